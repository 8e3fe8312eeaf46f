//! `iam-server`: run the IAM server, or manage its database schema.

use anyhow::Context;
use clap::{Parser, Subcommand};
use iam_repos::PoolSettings;
use iam_server::{Application, migrate, telemetry};
use shared_env::Settings;

#[derive(Parser)]
#[command(version, about = "Better Auth-compatible identity and access management server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Manage the database schema of DATABASE_URL.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print a random secret suitable for BETTER_AUTH_SECRET.
    GenerateSecret,
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply all pending migrations.
    Up,
    /// Roll back the last migration(s); tables that hold data are kept.
    Down {
        #[arg(default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether they are applied.
    Status,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command.unwrap_or(Command::Serve) {
        // Needs no configuration: it makes the secret the configuration asks for.
        Command::GenerateSecret => {
            println!("{}", iam_auth::crypto::random_alphanumeric(48));
            Ok(())
        }
        Command::Serve => serve(configured()).await,
        Command::Migrate { action } => run_migration(&configured(), action).await,
    }
}

/// The settings with logging set up; every problem in them reported at once, exit code 2.
fn configured() -> Settings {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(2);
        }
    };
    telemetry::init(&settings.log);
    settings
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    if settings.secret_generated {
        tracing::warn!(
            "BETTER_AUTH_SECRET is not set: using a random secret for this run only. \
             Every session and signed link dies when the server restarts. \
             Set BETTER_AUTH_SECRET (see `iam-server generate-secret`) before real use."
        );
    }
    let app = Application::build(&settings).await.context("cannot start the server")?;
    tracing::info!(
        address = %format!("{}:{}", settings.host, app.port()),
        base_url = %settings.base_url,
        environment = ?settings.environment,
        "IAM server listening; auth API under /api/auth"
    );
    app.run_until_stopped().await.context("server failed")
}

async fn run_migration(settings: &Settings, action: MigrateAction) -> anyhow::Result<()> {
    let db = iam_repos::connect(&settings.database.url, PoolSettings::default())
        .await
        .context("cannot connect to DATABASE_URL")?;
    match action {
        MigrateAction::Up => {
            migrate::up(&db).await.context("migration failed")?;
            println!("database is up to date");
        }
        MigrateAction::Down { steps } => {
            migrate::down(&db, steps).await.context("rollback failed")?;
            println!("rolled back {steps} migration(s)");
        }
        MigrateAction::Status => {
            for (name, applied) in migrate::status(&db).await.context("cannot read migrations")? {
                println!("{} {name}", if applied { "applied " } else { "pending " });
            }
            let missing =
                iam_migrations::missing_indexes(&db).await.context("cannot read indexes")?;
            if !missing.is_empty() {
                println!("missing indexes (run `migrate up`): {}", missing.join(", "));
            }
        }
    }
    Ok(())
}
