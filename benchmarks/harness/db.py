"""PostgreSQL administration through `psql`, so the harness itself needs no driver."""

import shutil
import subprocess
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

# Admin statements run from this database, so they never count as sessions of a bench DB.
ADMIN_DB = "postgres"
SEED_TITLE_PREFIX = "seed "


@dataclass(frozen=True)
class SessionSnapshot:
    """Client sessions of one database at one moment."""

    backends: int
    newest_start: str
    opened_total: int
    admin_opened: int


@dataclass
class Postgres:
    """A PostgreSQL server reached with psql at a libpq URL (database part ignored)."""

    server_url: str
    admin_sessions: dict[str, int] = field(default_factory=dict)

    def url(self, database: str) -> str:
        """Return the libpq URL of a database on this server."""
        parts = urlsplit(self.server_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))

    def sqlalchemy_url(self, database: str) -> str:
        """Return the asyncpg SQLAlchemy URL of a database on this server."""
        return "postgresql+asyncpg://" + self.url(database).split("://", 1)[1]

    def psql(self, database: str, *statements: str) -> str:
        """Run statements (each its own transaction) and return unaligned, tuple-only output."""
        commands = [arg for statement in statements for arg in ("-c", statement)]
        psql = shutil.which("psql") or "psql"
        argv = [psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", self.url(database)]
        if database != ADMIN_DB:
            self.admin_sessions[database] = self.admin_sessions.get(database, 0) + 1
        result = subprocess.run(argv + commands, capture_output=True, text=True, check=True)
        return result.stdout.strip()

    def create(self, database: str) -> None:
        """Create an empty database (dropping a leftover of the same name)."""
        self.drop(database)
        self.psql(ADMIN_DB, f'CREATE DATABASE "{database}"')

    def drop(self, database: str) -> None:
        """Drop a database, closing its sessions."""
        self.psql(ADMIN_DB, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def copy(self, source: str, target: str) -> None:
        """Create target as a copy of source's schema and data while source is in use."""
        self.create(target)
        pg_dump = shutil.which("pg_dump") or "pg_dump"
        dump = subprocess.run(
            [pg_dump, "--no-owner", self.url(source)], capture_output=True, text=True, check=True
        )
        psql = shutil.which("psql") or "psql"
        argv = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", self.url(target)]
        subprocess.run(argv, input=dump.stdout, capture_output=True, text=True, check=True)

    def snapshot(self, database: str) -> SessionSnapshot:
        """Count the database's client sessions now, and all it has ever opened."""
        clients = (
            f"FROM pg_stat_activity WHERE datname = '{database}'"
            " AND backend_type = 'client backend' AND application_name <> 'psql'"
        )
        row = self.psql(
            ADMIN_DB,
            f"SELECT (SELECT count(*) {clients}),"
            f" (SELECT coalesce(max(backend_start)::text, '-') {clients}),"
            f" sessions FROM pg_stat_database WHERE datname = '{database}'",
        )
        backends, newest, opened = row.split("|")
        admin = self.admin_sessions.get(database, 0)
        return SessionSnapshot(int(backends), newest, int(opened), admin)


def seed_items(pg: Postgres, database: str, owner_id: str, count: int) -> None:
    """Insert count items owned by owner_id, one second apart, newest first."""
    pg.psql(
        database,
        "INSERT INTO items (id, title, description, owner_id, created_at)"
        f" SELECT gen_random_uuid(), '{SEED_TITLE_PREFIX}' || g, 'Seeded item ' || g,"
        f" '{owner_id}', now() - g * interval '1 second' FROM generate_series(1, {count}) AS g",
        "VACUUM ANALYZE items",
    )


def seed_users(pg: Postgres, database: str, count: int) -> None:
    """Insert count users nobody has welcomed yet (for the welcome job's benchmark)."""
    pg.psql(
        database,
        "INSERT INTO users (id, email, display_name, hashed_password)"
        " SELECT gen_random_uuid(), 'seed' || g || '@example.com', 'Seed ' || g, 'unused'"
        f" FROM generate_series(1, {count}) AS g",
        "VACUUM ANALYZE users",
    )


def reset_items(pg: Postgres, database: str) -> None:
    """Delete the items a create round added, so every round sees the same table."""
    pg.psql(
        database,
        f"DELETE FROM items WHERE title NOT LIKE '{SEED_TITLE_PREFIX}%'",
        "VACUUM ANALYZE items",
    )


def any_item_id(pg: Postgres, database: str) -> str:
    """Return the id of a seeded item in the middle of the list."""
    return pg.psql(database, f"SELECT id FROM items WHERE title = '{SEED_TITLE_PREFIX}500'")
