//! Better Auth's organization plugin schema (with teams and dynamic access control):
//! `organization`, `member`, `invitation`, `team`, `teamMember`, `organizationRole`, and
//! the session's `activeOrganizationId` / `activeTeamId`.
//!
//! As with the core schema, the DDL is what Better Auth 1.7's migration emits on each
//! backend, so a database that already ran Better Auth with the plugin is adopted as it is:
//! existing tables and columns are kept, missing ones (and indexes) are added.

use sea_orm_migration::prelude::*;

use crate::schema::{
    ColumnDdl, IndexDdl, TableDdl, add_column_if_missing, create_index_if_missing,
    create_table_if_missing, drop_table_if_empty,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const SESSION_COLUMNS: [ColumnDdl; 2] = [
    ColumnDdl {
        table: "session",
        name: "activeOrganizationId",
        postgres: "text",
        mysql: "text",
        sqlite: "text",
    },
    ColumnDdl {
        table: "session",
        name: "activeTeamId",
        postgres: "text",
        mysql: "text",
        sqlite: "text",
    },
];

/// Parents before children, so foreign keys resolve.
const TABLES: [TableDdl; 6] = [
    TableDdl {
        name: "organization",
        postgres: r#"create table "organization" ("id" text not null primary key, "name" text not null, "slug" text not null unique, "logo" text, "createdAt" timestamptz not null, "metadata" text)"#,
        mysql: "create table `organization` (`id` varchar(36) not null primary key, `name` varchar(255) not null, `slug` varchar(255) not null unique, `logo` text, `createdAt` timestamp(3) not null, `metadata` text)",
        sqlite: r#"create table "organization" ("id" text not null primary key, "name" text not null, "slug" text not null unique, "logo" text, "createdAt" date not null, "metadata" text)"#,
    },
    TableDdl {
        name: "organizationRole",
        postgres: r#"create table "organizationRole" ("id" text not null primary key, "organizationId" text not null references "organization" ("id") on delete cascade, "role" text not null, "permission" text not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz)"#,
        mysql: "create table `organizationRole` (`id` varchar(36) not null primary key, `organizationId` varchar(36) not null references `organization` (`id`) on delete cascade, `role` varchar(255) not null, `permission` text not null, `createdAt` timestamp(3) default CURRENT_TIMESTAMP(3) not null, `updatedAt` timestamp(3) null)",
        sqlite: r#"create table "organizationRole" ("id" text not null primary key, "organizationId" text not null references "organization" ("id") on delete cascade, "role" text not null, "permission" text not null, "createdAt" date not null, "updatedAt" date)"#,
    },
    TableDdl {
        name: "team",
        postgres: r#"create table "team" ("id" text not null primary key, "name" text not null, "memberCount" integer not null, "organizationId" text not null references "organization" ("id") on delete cascade, "createdAt" timestamptz not null, "updatedAt" timestamptz)"#,
        mysql: "create table `team` (`id` varchar(36) not null primary key, `name` text not null, `memberCount` integer not null, `organizationId` varchar(36) not null references `organization` (`id`) on delete cascade, `createdAt` timestamp(3) not null, `updatedAt` timestamp(3) null)",
        sqlite: r#"create table "team" ("id" text not null primary key, "name" text not null, "memberCount" integer not null, "organizationId" text not null references "organization" ("id") on delete cascade, "createdAt" date not null, "updatedAt" date)"#,
    },
    TableDdl {
        name: "teamMember",
        postgres: r#"create table "teamMember" ("id" text not null primary key, "teamId" text not null references "team" ("id") on delete cascade, "userId" text not null references "user" ("id") on delete cascade, "membershipKey" text unique, "createdAt" timestamptz)"#,
        mysql: "create table `teamMember` (`id` varchar(36) not null primary key, `teamId` varchar(36) not null references `team` (`id`) on delete cascade, `userId` varchar(36) not null references `user` (`id`) on delete cascade, `membershipKey` varchar(255) unique, `createdAt` timestamp(3) null)",
        sqlite: r#"create table "teamMember" ("id" text not null primary key, "teamId" text not null references "team" ("id") on delete cascade, "userId" text not null references "user" ("id") on delete cascade, "membershipKey" text unique, "createdAt" date)"#,
    },
    TableDdl {
        name: "member",
        postgres: r#"create table "member" ("id" text not null primary key, "organizationId" text not null references "organization" ("id") on delete cascade, "userId" text not null references "user" ("id") on delete cascade, "role" text not null, "createdAt" timestamptz not null)"#,
        mysql: "create table `member` (`id` varchar(36) not null primary key, `organizationId` varchar(36) not null references `organization` (`id`) on delete cascade, `userId` varchar(36) not null references `user` (`id`) on delete cascade, `role` varchar(255) not null, `createdAt` timestamp(3) not null)",
        sqlite: r#"create table "member" ("id" text not null primary key, "organizationId" text not null references "organization" ("id") on delete cascade, "userId" text not null references "user" ("id") on delete cascade, "role" text not null, "createdAt" date not null)"#,
    },
    TableDdl {
        name: "invitation",
        postgres: r#"create table "invitation" ("id" text not null primary key, "organizationId" text not null references "organization" ("id") on delete cascade, "email" text not null, "role" text, "teamId" text, "status" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "inviterId" text not null references "user" ("id") on delete cascade)"#,
        mysql: "create table `invitation` (`id` varchar(36) not null primary key, `organizationId` varchar(36) not null references `organization` (`id`) on delete cascade, `email` varchar(255) not null, `role` varchar(255), `teamId` varchar(255), `status` varchar(255) not null, `expiresAt` timestamp(3) not null, `createdAt` timestamp(3) default CURRENT_TIMESTAMP(3) not null, `inviterId` varchar(36) not null references `user` (`id`) on delete cascade)",
        sqlite: r#"create table "invitation" ("id" text not null primary key, "organizationId" text not null references "organization" ("id") on delete cascade, "email" text not null, "role" text, "teamId" text, "status" text not null, "expiresAt" date not null, "createdAt" date not null, "inviterId" text not null references "user" ("id") on delete cascade)"#,
    },
];

const fn index(
    name: &'static str,
    table: &'static str,
    columns: &'static [&'static str],
    mysql_columns: &'static [&'static str],
) -> IndexDdl {
    IndexDdl { name, table, columns, mysql_columns, unique: false }
}

/// Better Auth's indexes for the plugin: every foreign key and every lookup column.
pub(crate) const INDEXES: [IndexDdl; 9] = [
    index(
        "organizationRole_organizationId_idx",
        "organizationRole",
        &["organizationId"],
        &["`organizationId`"],
    ),
    index("organizationRole_role_idx", "organizationRole", &["role"], &["`role`"]),
    index("team_organizationId_idx", "team", &["organizationId"], &["`organizationId`"]),
    index("teamMember_teamId_idx", "teamMember", &["teamId"], &["`teamId`"]),
    index("teamMember_userId_idx", "teamMember", &["userId"], &["`userId`"]),
    index("member_organizationId_idx", "member", &["organizationId"], &["`organizationId`"]),
    index("member_userId_idx", "member", &["userId"], &["`userId`"]),
    index(
        "invitation_organizationId_idx",
        "invitation",
        &["organizationId"],
        &["`organizationId`"],
    ),
    index("invitation_email_idx", "invitation", &["email"], &["`email`"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in &SESSION_COLUMNS {
            add_column_if_missing(manager, column).await?;
        }
        for table in &TABLES {
            create_table_if_missing(manager, table).await?;
        }
        for index in &INDEXES {
            create_index_if_missing(manager, index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children first. Tables holding data stay, and so do the session columns: dropping
        // a column would lose data and is not portable to older SQLite.
        for table in TABLES.iter().rev() {
            drop_table_if_empty(manager, table.name).await?;
        }
        Ok(())
    }
}
