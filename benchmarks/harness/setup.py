"""Prepare a run: bake, databases, seed data, token, and the three running apps."""

import contextlib
import os
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from harness import db, project, servers
from harness.report import NAIVE, OURS, RAW
from harness.servers import Server

BENCH_DIR = Path(__file__).resolve().parent.parent
SEED_ITEMS = 1000
# Databases are named <prefix>_<pid>...; a shared server can give each user a prefix of its own.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench")
# The token issuer and audience of ours and of the naive reference.
TOKEN_CLAIM = "bench"  # noqa: S105 - a name, not a secret
REFERENCES = ((RAW, "reference_raw:app"), (NAIVE, "reference_naive:app"))
# Only for --refs-only, where there is no service to register a user through.
SCRATCH_USER_ID = "00000000-0000-4000-8000-00000000b001"
MINT_SCRIPT = (
    "import os, time, jwt; now = int(time.time()); print(jwt.encode({'sub':"
    " os.environ['BENCH_OWNER_ID'], 'iat': now, 'exp': now + 7200, 'ver': 0,"
    f" 'iss': '{TOKEN_CLAIM}', 'aud': '{TOKEN_CLAIM}'}},"
    " os.environ['SECRET_KEY'], algorithm='HS256'))"
)


@dataclass
class Bench:
    """The state of one run: what is running where, and the facts to print at the end."""

    pg: db.Postgres
    workdir: Path
    port: int
    pool_size: int
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    servers: dict[str, Server] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)
    cleanup_databases: list[str] = field(default_factory=list)
    token: str = ""
    owner_id: str = ""
    bake_dir: Path = Path()
    item_id: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)

    def create_database(self, name: str) -> str:
        """Create a database that the run drops at the end."""
        self.cleanup_databases.append(name)
        self.pg.create(name)
        return name

    def drop_databases(self) -> None:
        """Drop every database the run created."""
        for name in reversed(self.cleanup_databases):
            self.pg.drop(name)

    def start(
        self,
        stack: contextlib.ExitStack,
        name: str,
        python: Path,
        app: str,
        cwd: Path,
        env: dict[str, str],
    ) -> Server:
        """Start one app on the next port and stop it when the run ends."""
        port = self.port + len(self.servers)
        log_path = self.workdir / f"{name}.log"
        server = servers.start(
            name, python, app, port=port, cwd=cwd, env=env, log_path=log_path, app_dir=cwd
        )
        stack.callback(server.stop)
        self.servers[name] = server
        return server

    def start_references(
        self, stack: contextlib.ExitStack, python: Path, database: str, owner_id: str
    ) -> None:
        """Start the raw and naive apps on a database."""
        env = os.environ | {
            "DATABASE_URL": self.pg.sqlalchemy_url(database),
            "BENCH_OWNER_ID": owner_id,
            "BENCH_POOL_SIZE": str(self.pool_size),
            "SECRET_KEY": self.secret_key,
            "TOKEN_ISSUER": TOKEN_CLAIM,
        }
        for name, app in REFERENCES:
            self.databases[name] = database
            self.start(stack, name, python, app, BENCH_DIR, env)

    def seed(self, database: str, owner_id: str) -> None:
        """Insert the seeded items and remember one to read."""
        db.seed_items(self.pg, database, owner_id, SEED_ITEMS)
        self.item_id = db.any_item_id(self.pg, database)

    def setup_full(self, stack: contextlib.ExitStack, template: Path) -> Path:
        """Bake, migrate, start ours, register and log in, seed, copy, start the references."""
        bake_dir = self.setup_ours(stack, template)
        database = self.databases[OURS]
        references = f"{database}_ref"
        self.cleanup_databases.append(references)
        self.pg.copy(database, references)
        python = bake_dir / ".venv" / "bin" / "python"
        self.start_references(stack, python, references, self.owner_id)
        return bake_dir

    def setup_ours(self, stack: contextlib.ExitStack, template: Path) -> Path:
        """Bake, migrate, start ours, register and log in, seed."""
        bake_dir, seconds = project.bake(template, self.workdir / "bake")
        self.facts.append(("first bake + uv sync", f"{seconds:.2f} s"))
        database = self.create_database(f"{DB_PREFIX}_{os.getpid()}")
        project.migrate(bake_dir, self.pg.sqlalchemy_url(database))
        python = bake_dir / ".venv" / "bin" / "python"
        self.databases[OURS] = database
        ours = self.start(stack, OURS, python, "src.main:app", bake_dir, self.ours_env(database))
        self.owner_id = project.create_user(ours.url(""))
        self.token = project.login(ours.url(""))
        self.seed(database, self.owner_id)
        self.bake_dir = bake_dir
        return bake_dir

    def start_ours(self, stack: contextlib.ExitStack, name: str, extra: dict[str, str]) -> Server:
        """Start another instance of the generated service on the same database."""
        python = self.bake_dir / ".venv" / "bin" / "python"
        env = self.ours_env(self.databases[OURS]) | extra
        return self.start(stack, name, python, "src.main:app", self.bake_dir, env)

    def setup_references_only(self, stack: contextlib.ExitStack, python: Path) -> None:
        """Create the schema by hand, seed a user and items, mint a token, start the references."""
        database = self.create_database(f"{DB_PREFIX}h_{os.getpid()}")
        schema = (BENCH_DIR / "schema.sql").read_text()
        self.pg.psql(database, schema)
        self.pg.psql(
            database,
            "INSERT INTO users (id, email, display_name, hashed_password)"
            f" VALUES ('{SCRATCH_USER_ID}', 'bench@example.com', 'Bench', 'unused')",
        )
        self.seed(database, SCRATCH_USER_ID)
        env = os.environ | {"BENCH_OWNER_ID": SCRATCH_USER_ID, "SECRET_KEY": self.secret_key}
        minted = subprocess.run(
            [str(python), "-c", MINT_SCRIPT], env=env, capture_output=True, text=True, check=True
        )
        self.token = minted.stdout.strip()
        self.start_references(stack, python, database, SCRATCH_USER_ID)

    def ours_env(self, database: str) -> dict[str, str]:
        """Return the generated service's environment as in production, JSON logs on."""
        return project.uv_env(
            {
                "ENVIRONMENT": "production",
                "DEBUG": "false",
                "LOG_LEVEL": "INFO",
                "LOG_JSON": "true",
                "DATABASE_URL": self.pg.sqlalchemy_url(database),
                "SECRET_KEY": self.secret_key,
                "ACCESS_TOKEN_EXPIRE_MINUTES": "120",
                "TOKEN_ISSUER": TOKEN_CLAIM,
                "TOKEN_AUDIENCE": TOKEN_CLAIM,
            }
        )
