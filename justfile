# Tasks for the IAM server. `just --list` shows them. DATABASE_URL selects the database
# (default: the SQLite file ./data/iam.db), as for the server itself.

set dotenv-load := true

db_url := env_var_or_default("DATABASE_URL", "sqlite://./data/iam.db")

# Run the server (SQLite by default, migrations applied on start in development).
run:
    cargo run -p iam-server

# Run the tests (SQLite; PostgreSQL/MariaDB too when TEST_POSTGRES_URL/TEST_MYSQL_URL are set).
test:
    cargo test --workspace

# Everything CI runs: services, compatibility harness, fmt, clippy, all three databases.
ci:
    bash .ci/run

# Apply pending migrations to DATABASE_URL.
db-migrate:
    cargo run -q -p iam-server -- migrate up

# Show which migrations are applied and which indexes are missing.
db-migrate-status:
    cargo run -q -p iam-server -- migrate status

# Roll back the last migration (tables that hold data are kept).
db-migrate-down steps="1":
    cargo run -q -p iam-server -- migrate down {{steps}}

# Open an interactive SQL shell on DATABASE_URL (sqlite3, psql or mariadb).
db-studio:
    bash scripts/db-studio.sh "{{db_url}}"

# Load figures for docs/benchmarks.md (release build, wrk).
bench:
    bash scripts/bench.sh

# Print a random secret for BETTER_AUTH_SECRET.
secret:
    cargo run -q -p iam-server -- generate-secret
