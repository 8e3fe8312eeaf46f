//! The organization aggregate over sea-orm: organizations, members, invitations, teams and
//! custom roles. Several-row writes run in one transaction.

mod convert;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use iam_domain::RepoResult;
use iam_domain::organization::repository::{
    Acceptance, FilterOperator, MemberField, MemberFilter, MemberPage, MemberQuery,
    NewOrganization, SortDirection,
};
use iam_domain::organization::{
    Invitation, InvitationStatus, Member, MemberWithUser, Organization, OrganizationRepository,
    OrganizationRole, Team, TeamMember,
};
use iam_tables::{
    invitation, member, organization, organization_role, session, team, team_member, user,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select, TransactionTrait,
};

use self::convert::*;
use crate::errors::DbResultExt;

pub struct SeaOrmOrganizations {
    db: DatabaseConnection,
}

impl SeaOrmOrganizations {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

async fn set_session_active(
    conn: &impl ConnectionTrait,
    token: &str,
    organization_id: Option<&str>,
    team_id: Option<&str>,
) -> RepoResult<()> {
    session::Entity::update_many()
        .col_expr(
            session::Column::ActiveOrganizationId,
            Expr::value(organization_id.map(str::to_owned)),
        )
        .col_expr(session::Column::ActiveTeamId, Expr::value(team_id.map(str::to_owned)))
        .filter(session::Column::Token.eq(token))
        .exec(conn)
        .await
        .repo()?;
    Ok(())
}

/// Inserts team memberships (of distinct teams) and bumps each team's hidden
/// `memberCount`: two statements whatever the number.
async fn insert_team_members(
    conn: &impl ConnectionTrait,
    members: &[TeamMember],
) -> RepoResult<()> {
    if members.is_empty() {
        return Ok(());
    }
    team_member::Entity::insert_many(members.iter().map(team_member_to_row))
        .exec_without_returning(conn)
        .await
        .repo()?;
    adjust_member_counts(conn, members.iter().map(|m| m.team_id.clone()), 1).await
}

/// Moves `memberCount` of every listed team by `by` in one statement (a user is in a team
/// at most once, so one membership changes each count by one).
async fn adjust_member_counts(
    conn: &impl ConnectionTrait,
    team_ids: impl IntoIterator<Item = String>,
    by: i32,
) -> RepoResult<()> {
    team::Entity::update_many()
        .col_expr(team::Column::MemberCount, Expr::col(team::Column::MemberCount).add(by))
        .filter(team::Column::Id.is_in(team_ids))
        .exec(conn)
        .await
        .repo()?;
    Ok(())
}

/// The writes of a new organization, inside the caller's transaction (also used when a
/// user and their personal organization are created together).
pub(crate) async fn insert_organization(
    conn: &impl ConnectionTrait,
    new: &NewOrganization,
) -> RepoResult<()> {
    organization::Entity::insert(organization_to_row(&new.organization))
        .exec_without_returning(conn)
        .await
        .repo()?;
    member::Entity::insert(member_to_row(&new.owner)).exec_without_returning(conn).await.repo()?;
    if let Some((team, team_member)) = &new.default_team {
        team::Entity::insert(team_to_row(team)).exec_without_returning(conn).await.repo()?;
        insert_team_members(conn, std::slice::from_ref(team_member)).await?;
    }
    if let Some(token) = &new.activate_on {
        let team_id = new.default_team.as_ref().map(|(t, _)| t.id.as_str());
        set_session_active(conn, token, Some(&new.organization.id), team_id).await?;
    }
    Ok(())
}

/// Removes a user's memberships, team memberships and sent invitations (before the user
/// row goes, inside the caller's transaction).
pub(crate) async fn delete_user_memberships(
    conn: &impl ConnectionTrait,
    user_id: &str,
) -> RepoResult<()> {
    leave_teams(conn, user_id, None).await?;
    member::Entity::delete_many()
        .filter(member::Column::UserId.eq(user_id))
        .exec(conn)
        .await
        .repo()?;
    invitation::Entity::delete_many()
        .filter(invitation::Column::InviterId.eq(user_id))
        .exec(conn)
        .await
        .repo()?;
    Ok(())
}

/// Deletes the user's team memberships (in one organization's teams, or in all) and keeps
/// each team's `memberCount` in step.
async fn leave_teams(
    conn: &impl ConnectionTrait,
    user_id: &str,
    organization_id: Option<&str>,
) -> RepoResult<()> {
    let mut select = team_member::Entity::find()
        .select_only()
        .column(team_member::Column::Id)
        .column(team_member::Column::TeamId)
        .filter(team_member::Column::UserId.eq(user_id));
    if let Some(organization_id) = organization_id {
        select = select
            .join(JoinType::InnerJoin, team_member::Relation::Team.def())
            .filter(team::Column::OrganizationId.eq(organization_id));
    }
    let memberships: Vec<(String, String)> = select.into_tuple().all(conn).await.repo()?;
    if memberships.is_empty() {
        return Ok(());
    }
    let ids = memberships.iter().map(|(id, _)| id.clone());
    team_member::Entity::delete_many()
        .filter(team_member::Column::Id.is_in(ids))
        .exec(conn)
        .await
        .repo()?;
    adjust_member_counts(conn, memberships.into_iter().map(|(_, team_id)| team_id), -1).await
}

/// Clears the active organization (and team) from the sessions `filter` selects.
async fn clear_active_organization(
    conn: &impl ConnectionTrait,
    filter: Condition,
) -> RepoResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::ActiveOrganizationId, Expr::value(Option::<String>::None))
        .col_expr(session::Column::ActiveTeamId, Expr::value(Option::<String>::None))
        .filter(filter)
        .exec(conn)
        .await
        .repo()?;
    Ok(())
}

/// Members of one organization.
fn members_of(organization_id: &str) -> Select<member::Entity> {
    member::Entity::find().filter(member::Column::OrganizationId.eq(organization_id))
}

fn member_column(field: MemberField) -> member::Column {
    match field {
        MemberField::Id => member::Column::Id,
        MemberField::UserId => member::Column::UserId,
        MemberField::Role => member::Column::Role,
        MemberField::CreatedAt => member::Column::CreatedAt,
    }
}

fn apply_filter(select: Select<member::Entity>, filter: &MemberFilter) -> Select<member::Entity> {
    let column = member_column(filter.field);
    let value = filter.value.clone();
    match filter.operator {
        FilterOperator::Eq => select.filter(column.eq(value)),
        FilterOperator::Ne => select.filter(column.ne(value)),
        FilterOperator::Lt => select.filter(column.lt(value)),
        FilterOperator::Lte => select.filter(column.lte(value)),
        FilterOperator::Gt => select.filter(column.gt(value)),
        FilterOperator::Gte => select.filter(column.gte(value)),
        FilterOperator::Contains => select.filter(column.contains(&value)),
    }
}

#[async_trait]
impl OrganizationRepository for SeaOrmOrganizations {
    // --- organizations -------------------------------------------------------------------

    async fn create(&self, new: &NewOrganization) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        insert_organization(&txn, new).await?;
        txn.commit().await.repo()
    }

    async fn find(&self, id: &str) -> RepoResult<Option<Organization>> {
        let row = organization::Entity::find_by_id(id).one(&self.db).await.repo()?;
        Ok(row.map(organization_from_row))
    }

    async fn find_by_slug(&self, slug: &str) -> RepoResult<Option<Organization>> {
        let row = organization::Entity::find()
            .filter(organization::Column::Slug.eq(slug))
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(organization_from_row))
    }

    async fn update(&self, o: &Organization) -> RepoResult<()> {
        organization::Entity::update_many()
            .col_expr(organization::Column::Name, Expr::value(o.name.clone()))
            .col_expr(organization::Column::Slug, Expr::value(o.slug.clone()))
            .col_expr(organization::Column::Logo, Expr::value(o.logo.clone()))
            .col_expr(organization::Column::Metadata, Expr::value(o.metadata.clone()))
            .filter(organization::Column::Id.eq(&o.id))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn delete(&self, id: &str) -> RepoResult<()> {
        // The foreign keys cascade, but a database made by another tool may lack them.
        let txn = self.db.begin().await.repo()?;
        let team_ids: Vec<String> = team::Entity::find()
            .select_only()
            .column(team::Column::Id)
            .filter(team::Column::OrganizationId.eq(id))
            .into_tuple()
            .all(&txn)
            .await
            .repo()?;
        if !team_ids.is_empty() {
            team_member::Entity::delete_many()
                .filter(team_member::Column::TeamId.is_in(team_ids))
                .exec(&txn)
                .await
                .repo()?;
        }
        team::Entity::delete_many()
            .filter(team::Column::OrganizationId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        invitation::Entity::delete_many()
            .filter(invitation::Column::OrganizationId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        member::Entity::delete_many()
            .filter(member::Column::OrganizationId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        organization_role::Entity::delete_many()
            .filter(organization_role::Column::OrganizationId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        let active_here = Condition::all().add(session::Column::ActiveOrganizationId.eq(id));
        clear_active_organization(&txn, active_here).await?;
        organization::Entity::delete_by_id(id).exec(&txn).await.repo()?;
        txn.commit().await.repo()
    }

    async fn list_for_user(&self, user_id: &str) -> RepoResult<Vec<Organization>> {
        let rows = organization::Entity::find()
            .join(JoinType::InnerJoin, organization::Relation::Member.def())
            .filter(member::Column::UserId.eq(user_id))
            .order_by_asc(member::Column::CreatedAt)
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows.into_iter().map(organization_from_row).collect())
    }

    async fn count_for_user(&self, user_id: &str) -> RepoResult<u64> {
        member::Entity::find()
            .filter(member::Column::UserId.eq(user_id))
            .count(&self.db)
            .await
            .repo()
    }

    // --- members -------------------------------------------------------------------------

    async fn find_member(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> RepoResult<Option<Member>> {
        let row = member::Entity::find()
            .filter(member::Column::OrganizationId.eq(organization_id))
            .filter(member::Column::UserId.eq(user_id))
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(member_from_row))
    }

    async fn find_member_by_id(&self, member_id: &str) -> RepoResult<Option<MemberWithUser>> {
        let row = member::Entity::find_by_id(member_id)
            .find_also_related(user::Entity)
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.and_then(member_with_user))
    }

    async fn find_member_by_email(
        &self,
        organization_id: &str,
        email: &str,
    ) -> RepoResult<Option<MemberWithUser>> {
        let row = members_of(organization_id)
            .find_also_related(user::Entity)
            .filter(user::Column::Email.eq(email))
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.and_then(member_with_user))
    }

    async fn member_with_user(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> RepoResult<Option<MemberWithUser>> {
        let row = members_of(organization_id)
            .filter(member::Column::UserId.eq(user_id))
            .find_also_related(user::Entity)
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.and_then(member_with_user))
    }

    async fn list_members(
        &self,
        organization_id: &str,
        query: &MemberQuery,
    ) -> RepoResult<MemberPage> {
        let mut select = members_of(organization_id);
        if let Some(filter) = &query.filter {
            select = apply_filter(select, filter);
        }
        let total = select.clone().count(&self.db).await.repo()?;
        let order = match query.sort_direction {
            SortDirection::Asc => Order::Asc,
            SortDirection::Desc => Order::Desc,
        };
        let sort = query.sort_by.map_or(member::Column::CreatedAt, member_column);
        let rows = select
            .order_by(sort, order)
            .order_by_asc(member::Column::Id)
            .limit(query.limit)
            .offset(query.offset)
            .find_also_related(user::Entity)
            .all(&self.db)
            .await
            .repo()?;
        let members = rows.into_iter().filter_map(member_with_user).collect();
        Ok(MemberPage { members, total })
    }

    async fn count_members(&self, organization_id: &str) -> RepoResult<u64> {
        members_of(organization_id).count(&self.db).await.repo()
    }

    async fn members_with_role(
        &self,
        organization_id: &str,
        role: &str,
    ) -> RepoResult<Vec<Member>> {
        let rows = members_of(organization_id)
            .filter(member::Column::Role.contains(role))
            .all(&self.db)
            .await
            .repo()?;
        // `contains` is a coarse LIKE; keep only exact entries of the role list.
        Ok(rows.into_iter().map(member_from_row).filter(|m| m.has_role(role)).collect())
    }

    async fn add_member(&self, m: &Member, team_members: &[TeamMember]) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        member::Entity::insert(member_to_row(m)).exec_without_returning(&txn).await.repo()?;
        insert_team_members(&txn, team_members).await?;
        txn.commit().await.repo()
    }

    async fn update_member_role(&self, member_id: &str, role: &str) -> RepoResult<()> {
        member::Entity::update_many()
            .col_expr(member::Column::Role, Expr::value(role))
            .filter(member::Column::Id.eq(member_id))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn remove_member(&self, m: &Member) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        leave_teams(&txn, &m.user_id, Some(&m.organization_id)).await?;
        member::Entity::delete_by_id(m.id.as_str()).exec(&txn).await.repo()?;
        let their_sessions_here = Condition::all()
            .add(session::Column::UserId.eq(&m.user_id))
            .add(session::Column::ActiveOrganizationId.eq(&m.organization_id));
        clear_active_organization(&txn, their_sessions_here).await?;
        txn.commit().await.repo()
    }

    // --- invitations ---------------------------------------------------------------------

    async fn create_invitation(&self, i: &Invitation, cancel_pending: bool) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        if cancel_pending {
            invitation::Entity::update_many()
                .col_expr(
                    invitation::Column::Status,
                    Expr::value(InvitationStatus::Canceled.as_str()),
                )
                .filter(invitation::Column::OrganizationId.eq(&i.organization_id))
                .filter(invitation::Column::Email.eq(&i.email))
                .filter(invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
                .exec(&txn)
                .await
                .repo()?;
        }
        invitation::Entity::insert(invitation_to_row(i))
            .exec_without_returning(&txn)
            .await
            .repo()?;
        txn.commit().await.repo()
    }

    async fn find_invitation(&self, id: &str) -> RepoResult<Option<Invitation>> {
        let row = invitation::Entity::find_by_id(id).one(&self.db).await.repo()?;
        Ok(row.map(invitation_from_row))
    }

    async fn pending_invitations(
        &self,
        organization_id: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<Vec<Invitation>> {
        let rows = invitation::Entity::find()
            .filter(invitation::Column::OrganizationId.eq(organization_id))
            .filter(invitation::Column::Email.eq(email))
            .filter(invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
            .filter(invitation::Column::ExpiresAt.gt(now))
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows.into_iter().map(invitation_from_row).collect())
    }

    async fn count_pending_invitations(
        &self,
        organization_id: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<u64> {
        invitation::Entity::find()
            .filter(invitation::Column::OrganizationId.eq(organization_id))
            .filter(invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
            .filter(invitation::Column::ExpiresAt.gt(now))
            .count(&self.db)
            .await
            .repo()
    }

    async fn list_invitations(&self, organization_id: &str) -> RepoResult<Vec<Invitation>> {
        let rows = invitation::Entity::find()
            .filter(invitation::Column::OrganizationId.eq(organization_id))
            .order_by_asc(invitation::Column::CreatedAt)
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows.into_iter().map(invitation_from_row).collect())
    }

    async fn list_invitations_for_email(
        &self,
        email: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<Vec<(Invitation, Organization)>> {
        let rows = invitation::Entity::find()
            .filter(invitation::Column::Email.eq(email))
            .filter(invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
            .filter(invitation::Column::ExpiresAt.gt(now))
            .order_by_asc(invitation::Column::CreatedAt)
            .find_also_related(organization::Entity)
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows
            .into_iter()
            .filter_map(|(i, o)| Some((invitation_from_row(i), organization_from_row(o?))))
            .collect())
    }

    async fn answer_invitation(&self, id: &str, status: InvitationStatus) -> RepoResult<bool> {
        let result = invitation::Entity::update_many()
            .col_expr(invitation::Column::Status, Expr::value(status.as_str()))
            .filter(invitation::Column::Id.eq(id))
            .filter(invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(result.rows_affected > 0)
    }

    async fn extend_invitation(&self, id: &str, expires_at: DateTime<Utc>) -> RepoResult<()> {
        invitation::Entity::update_many()
            .col_expr(invitation::Column::ExpiresAt, Expr::value(expires_at))
            .filter(invitation::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn accept_invitation(&self, a: &Acceptance) -> RepoResult<bool> {
        let txn = self.db.begin().await.repo()?;
        // The status flip is the lock: of two concurrent accepts only one sees `pending`.
        let flipped = invitation::Entity::update_many()
            .col_expr(invitation::Column::Status, Expr::value(InvitationStatus::Accepted.as_str()))
            .filter(invitation::Column::Id.eq(&a.invitation_id))
            .filter(invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
            .exec(&txn)
            .await
            .repo()?;
        if flipped.rows_affected == 0 {
            txn.rollback().await.repo()?;
            return Ok(false);
        }
        member::Entity::insert(member_to_row(&a.member))
            .exec_without_returning(&txn)
            .await
            .repo()?;
        insert_team_members(&txn, &a.team_members).await?;
        set_session_active(
            &txn,
            &a.session_token,
            Some(&a.member.organization_id),
            a.active_team_id.as_deref(),
        )
        .await?;
        txn.commit().await.repo()?;
        Ok(true)
    }

    // --- teams -----------------------------------------------------------------------------

    async fn create_team(&self, t: &Team) -> RepoResult<()> {
        team::Entity::insert(team_to_row(t)).exec_without_returning(&self.db).await.repo()?;
        Ok(())
    }

    async fn find_team(&self, id: &str) -> RepoResult<Option<Team>> {
        let row = team::Entity::find_by_id(id).one(&self.db).await.repo()?;
        Ok(row.map(team_from_row))
    }

    async fn update_team(&self, t: &Team) -> RepoResult<()> {
        team::Entity::update_many()
            .col_expr(team::Column::Name, Expr::value(t.name.clone()))
            .col_expr(team::Column::UpdatedAt, Expr::value(t.updated_at))
            .filter(team::Column::Id.eq(&t.id))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn delete_team(&self, id: &str) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        team_member::Entity::delete_many()
            .filter(team_member::Column::TeamId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        session::Entity::update_many()
            .col_expr(session::Column::ActiveTeamId, Expr::value(Option::<String>::None))
            .filter(session::Column::ActiveTeamId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        team::Entity::delete_by_id(id).exec(&txn).await.repo()?;
        txn.commit().await.repo()
    }

    async fn list_teams(&self, organization_id: &str) -> RepoResult<Vec<Team>> {
        let rows = team::Entity::find()
            .filter(team::Column::OrganizationId.eq(organization_id))
            .order_by_asc(team::Column::CreatedAt)
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows.into_iter().map(team_from_row).collect())
    }

    async fn count_teams(&self, organization_id: &str) -> RepoResult<u64> {
        team::Entity::find()
            .filter(team::Column::OrganizationId.eq(organization_id))
            .count(&self.db)
            .await
            .repo()
    }

    async fn list_user_teams(&self, organization_id: &str, user_id: &str) -> RepoResult<Vec<Team>> {
        let rows = team::Entity::find()
            .join(JoinType::InnerJoin, team::Relation::TeamMember.def())
            .filter(team::Column::OrganizationId.eq(organization_id))
            .filter(team_member::Column::UserId.eq(user_id))
            .order_by_asc(team::Column::CreatedAt)
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows.into_iter().map(team_from_row).collect())
    }

    async fn find_team_member(
        &self,
        team_id: &str,
        user_id: &str,
    ) -> RepoResult<Option<TeamMember>> {
        let row = team_member::Entity::find()
            .filter(team_member::Column::TeamId.eq(team_id))
            .filter(team_member::Column::UserId.eq(user_id))
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(team_member_from_row))
    }

    async fn list_team_members(&self, team_id: &str) -> RepoResult<Vec<TeamMember>> {
        let rows = team_member::Entity::find()
            .filter(team_member::Column::TeamId.eq(team_id))
            .order_by_asc(team_member::Column::CreatedAt)
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows.into_iter().map(team_member_from_row).collect())
    }

    async fn count_team_members(&self, team_id: &str) -> RepoResult<u64> {
        team_member::Entity::find()
            .filter(team_member::Column::TeamId.eq(team_id))
            .count(&self.db)
            .await
            .repo()
    }

    async fn add_team_member(&self, tm: &TeamMember) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        insert_team_members(&txn, std::slice::from_ref(tm)).await?;
        txn.commit().await.repo()
    }

    async fn remove_team_member(&self, team_id: &str, user_id: &str) -> RepoResult<bool> {
        let txn = self.db.begin().await.repo()?;
        let deleted = team_member::Entity::delete_many()
            .filter(team_member::Column::TeamId.eq(team_id))
            .filter(team_member::Column::UserId.eq(user_id))
            .exec(&txn)
            .await
            .repo()?;
        if deleted.rows_affected > 0 {
            adjust_member_counts(&txn, [team_id.to_owned()], -1).await?;
        }
        txn.commit().await.repo()?;
        Ok(deleted.rows_affected > 0)
    }

    // --- custom roles ----------------------------------------------------------------------

    async fn create_role(&self, r: &OrganizationRole) -> RepoResult<()> {
        organization_role::Entity::insert(role_to_row(r))
            .exec_without_returning(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn find_role_by_name(
        &self,
        organization_id: &str,
        role: &str,
    ) -> RepoResult<Option<OrganizationRole>> {
        let row = organization_role::Entity::find()
            .filter(organization_role::Column::OrganizationId.eq(organization_id))
            .filter(organization_role::Column::Role.eq(role))
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(role_from_row))
    }

    async fn find_role_by_id(
        &self,
        organization_id: &str,
        id: &str,
    ) -> RepoResult<Option<OrganizationRole>> {
        let row = organization_role::Entity::find_by_id(id)
            .filter(organization_role::Column::OrganizationId.eq(organization_id))
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(role_from_row))
    }

    async fn list_roles(&self, organization_id: &str) -> RepoResult<Vec<OrganizationRole>> {
        let rows = organization_role::Entity::find()
            .filter(organization_role::Column::OrganizationId.eq(organization_id))
            .order_by_asc(organization_role::Column::CreatedAt)
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows.into_iter().map(role_from_row).collect())
    }

    async fn count_roles(&self, organization_id: &str) -> RepoResult<u64> {
        organization_role::Entity::find()
            .filter(organization_role::Column::OrganizationId.eq(organization_id))
            .count(&self.db)
            .await
            .repo()
    }

    async fn update_role(
        &self,
        r: &OrganizationRole,
        renamed_from: Option<&str>,
    ) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        organization_role::Entity::update_many()
            .col_expr(organization_role::Column::Role, Expr::value(r.role.clone()))
            .col_expr(organization_role::Column::Permission, Expr::value(r.permission.clone()))
            .col_expr(organization_role::Column::UpdatedAt, Expr::value(r.updated_at))
            .filter(organization_role::Column::Id.eq(&r.id))
            .exec(&txn)
            .await
            .repo()?;
        if let Some(old) = renamed_from {
            let holders = member::Entity::find()
                .filter(member::Column::OrganizationId.eq(&r.organization_id))
                .filter(member::Column::Role.contains(old))
                .all(&txn)
                .await
                .repo()?;
            // One statement per distinct role list ("inviter", "member,inviter", ...), not
            // per member.
            let lists: std::collections::BTreeSet<String> = holders
                .into_iter()
                .map(member_from_row)
                .filter(|m| m.has_role(old))
                .map(|m| m.role)
                .collect();
            for list in lists {
                let renamed: Vec<&str> = iam_domain::organization::split_roles(&list)
                    .map(|role| if role == old { r.role.as_str() } else { role })
                    .collect();
                member::Entity::update_many()
                    .col_expr(member::Column::Role, Expr::value(renamed.join(",")))
                    .filter(member::Column::OrganizationId.eq(&r.organization_id))
                    .filter(member::Column::Role.eq(list))
                    .exec(&txn)
                    .await
                    .repo()?;
            }
        }
        txn.commit().await.repo()
    }

    async fn delete_role(&self, id: &str) -> RepoResult<()> {
        organization_role::Entity::delete_by_id(id).exec(&self.db).await.repo()?;
        Ok(())
    }

    // --- sessions --------------------------------------------------------------------------

    async fn set_active(
        &self,
        session_token: &str,
        organization_id: Option<&str>,
        team_id: Option<&str>,
    ) -> RepoResult<()> {
        set_session_active(&self.db, session_token, organization_id, team_id).await
    }
}
