//! Better Auth's core schema: `user`, `session`, `account`, `verification`.
//!
//! The DDL is what Better Auth 1.7's own migration emits on each backend (column names,
//! types, inline unique constraints, cascading foreign keys), so a database created here can
//! be handed to Better Auth and the other way round. Beyond Better Auth's three indexes we add
//! `session.expiresAt` (expiry sweeps) and a unique `(providerId, accountId)` (OAuth lookups,
//! and one local account per provider identity).

use sea_orm_migration::prelude::*;

use crate::schema::{
    IndexDdl, TableDdl, create_index_if_missing, create_table_if_missing, drop_index_if_present,
    drop_table_if_empty,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const TABLES: [TableDdl; 4] = [
    TableDdl {
        name: "user",
        postgres: r#"create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)"#,
        mysql: "create table `user` (`id` varchar(36) not null primary key, `name` varchar(255) not null, `email` varchar(255) not null unique, `emailVerified` boolean not null, `image` text, `createdAt` timestamp(3) default CURRENT_TIMESTAMP(3) not null, `updatedAt` timestamp(3) default CURRENT_TIMESTAMP(3) not null)",
        sqlite: r#"create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, "updatedAt" date not null)"#,
    },
    TableDdl {
        name: "session",
        postgres: r#"create table "session" ("id" text not null primary key, "expiresAt" timestamptz not null, "token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade)"#,
        mysql: "create table `session` (`id` varchar(36) not null primary key, `expiresAt` timestamp(3) not null, `token` varchar(255) not null unique, `createdAt` timestamp(3) default CURRENT_TIMESTAMP(3) not null, `updatedAt` timestamp(3) not null, `ipAddress` text, `userAgent` text, `userId` varchar(36) not null references `user` (`id`) on delete cascade)",
        sqlite: r#"create table "session" ("id" text not null primary key, "expiresAt" date not null, "token" text not null unique, "createdAt" date not null, "updatedAt" date not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade)"#,
    },
    TableDdl {
        name: "account",
        postgres: r#"create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text, "password" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null)"#,
        mysql: "create table `account` (`id` varchar(36) not null primary key, `accountId` text not null, `providerId` text not null, `userId` varchar(36) not null references `user` (`id`) on delete cascade, `accessToken` text, `refreshToken` text, `idToken` text, `accessTokenExpiresAt` timestamp(3) null, `refreshTokenExpiresAt` timestamp(3) null, `scope` text, `password` text, `createdAt` timestamp(3) default CURRENT_TIMESTAMP(3) not null, `updatedAt` timestamp(3) not null)",
        sqlite: r#"create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" date, "refreshTokenExpiresAt" date, "scope" text, "password" text, "createdAt" date not null, "updatedAt" date not null)"#,
    },
    TableDdl {
        name: "verification",
        postgres: r#"create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)"#,
        mysql: "create table `verification` (`id` varchar(36) not null primary key, `identifier` varchar(255) not null, `value` text not null, `expiresAt` timestamp(3) not null, `createdAt` timestamp(3) default CURRENT_TIMESTAMP(3) not null, `updatedAt` timestamp(3) default CURRENT_TIMESTAMP(3) not null)",
        sqlite: r#"create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" date not null)"#,
    },
];

pub(crate) const INDEXES: [IndexDdl; 5] = [
    IndexDdl {
        name: "session_userId_idx",
        table: "session",
        columns: &["userId"],
        mysql_columns: &["`userId`"],
        unique: false,
    },
    IndexDdl {
        name: "session_expiresAt_idx",
        table: "session",
        columns: &["expiresAt"],
        mysql_columns: &["`expiresAt`"],
        unique: false,
    },
    IndexDdl {
        name: "account_userId_idx",
        table: "account",
        columns: &["userId"],
        mysql_columns: &["`userId`"],
        unique: false,
    },
    IndexDdl {
        name: "account_providerId_accountId_uidx",
        table: "account",
        columns: &["providerId", "accountId"],
        // Better Auth makes these TEXT on MySQL; index a prefix (ids are far shorter).
        mysql_columns: &["`providerId`(191)", "`accountId`(191)"],
        unique: true,
    },
    IndexDdl {
        name: "verification_identifier_idx",
        table: "verification",
        columns: &["identifier"],
        mysql_columns: &["`identifier`"],
        unique: false,
    },
];

/// Indexes this migration adds on top of Better Auth's own; `down` removes only these from
/// a table it keeps.
const OUR_INDEXES: [&str; 2] = ["session_expiresAt_idx", "account_providerId_accountId_uidx"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in &TABLES {
            create_table_if_missing(manager, table).await?;
        }
        for index in &INDEXES {
            create_index_if_missing(manager, index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in INDEXES.iter().filter(|i| OUR_INDEXES.contains(&i.name)) {
            drop_index_if_present(manager, index).await?;
        }
        // Children first, so foreign keys never block the drop.
        for table in TABLES.iter().rev() {
            drop_table_if_empty(manager, table.name).await?;
        }
        Ok(())
    }
}
