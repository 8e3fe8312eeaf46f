//! Row <-> domain conversions, in one place.

use iam_domain::{Account, Session, User, Verification};
use iam_tables::{account, session, user, verification};
use sea_orm::ActiveValue::Set;

pub(crate) fn user_from_row(row: user::Model) -> User {
    User {
        id: row.id,
        name: row.name,
        email: row.email,
        email_verified: row.email_verified,
        image: row.image,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub(crate) fn user_to_row(user: &User) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(user.id.clone()),
        name: Set(user.name.clone()),
        email: Set(user.email.clone()),
        email_verified: Set(user.email_verified),
        image: Set(user.image.clone()),
        created_at: Set(user.created_at),
        updated_at: Set(user.updated_at),
    }
}

pub(crate) fn session_from_row(row: session::Model) -> Session {
    Session {
        id: row.id,
        expires_at: row.expires_at,
        token: row.token,
        created_at: row.created_at,
        updated_at: row.updated_at,
        ip_address: row.ip_address,
        user_agent: row.user_agent,
        user_id: row.user_id,
        active_organization_id: row.active_organization_id,
        active_team_id: row.active_team_id,
    }
}

pub(crate) fn session_to_row(session: &Session) -> session::ActiveModel {
    session::ActiveModel {
        id: Set(session.id.clone()),
        expires_at: Set(session.expires_at),
        token: Set(session.token.clone()),
        created_at: Set(session.created_at),
        updated_at: Set(session.updated_at),
        ip_address: Set(session.ip_address.clone()),
        user_agent: Set(session.user_agent.clone()),
        user_id: Set(session.user_id.clone()),
        active_organization_id: Set(session.active_organization_id.clone()),
        active_team_id: Set(session.active_team_id.clone()),
    }
}

pub(crate) fn account_from_row(row: account::Model) -> Account {
    Account {
        id: row.id,
        account_id: row.account_id,
        provider_id: row.provider_id,
        user_id: row.user_id,
        access_token: row.access_token,
        refresh_token: row.refresh_token,
        id_token: row.id_token,
        access_token_expires_at: row.access_token_expires_at,
        refresh_token_expires_at: row.refresh_token_expires_at,
        scope: row.scope,
        password: row.password,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub(crate) fn account_to_row(account: &Account) -> account::ActiveModel {
    account::ActiveModel {
        id: Set(account.id.clone()),
        account_id: Set(account.account_id.clone()),
        provider_id: Set(account.provider_id.clone()),
        user_id: Set(account.user_id.clone()),
        access_token: Set(account.access_token.clone()),
        refresh_token: Set(account.refresh_token.clone()),
        id_token: Set(account.id_token.clone()),
        access_token_expires_at: Set(account.access_token_expires_at),
        refresh_token_expires_at: Set(account.refresh_token_expires_at),
        scope: Set(account.scope.clone()),
        password: Set(account.password.clone()),
        created_at: Set(account.created_at),
        updated_at: Set(account.updated_at),
    }
}

pub(crate) fn verification_from_row(row: verification::Model) -> Verification {
    Verification {
        id: row.id,
        identifier: row.identifier,
        value: row.value,
        expires_at: row.expires_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub(crate) fn verification_to_row(v: &Verification) -> verification::ActiveModel {
    verification::ActiveModel {
        id: Set(v.id.clone()),
        identifier: Set(v.identifier.clone()),
        value: Set(v.value.clone()),
        expires_at: Set(v.expires_at),
        created_at: Set(v.created_at),
        updated_at: Set(v.updated_at),
    }
}
