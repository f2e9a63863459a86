"""Administration commands, run where the service's settings are: `uv run python -m src.cli`.

    uv run python -m src.cli create-admin EMAIL [--display-name NAME]

makes EMAIL's account an administrator, or creates it (asking for its password) when there
is none. Administrators are never made through the API.
"""

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable

from pydantic import Secret, TypeAdapter, ValidationError

from src.config import get_settings
from src.database import Database
from src.errors import ConflictError
from src.passwords import PasswordHasher
from src.repositories.user import UserRepository
from src.schemas.user import Email, Password
from src.services.admin import AdminService


class CommandError(Exception):
    """The command cannot go on; the message says why."""


def ask_new_password() -> Secret[str]:
    """Prompt twice for a password (not echoed) and return it once both agree and it is valid."""
    password = getpass.getpass("Password for the new administrator: ")
    if getpass.getpass("Again: ") != password:
        raise CommandError("the two passwords differ")
    try:
        return TypeAdapter(Password).validate_python(password)
    except ValidationError as exc:
        raise CommandError(f"password: {exc.errors()[0]['msg']}") from exc


async def create_admin(
    database: Database,
    hasher: PasswordHasher,
    email: str,
    ask_password: Callable[[], Secret[str]],
    display_name: str | None = None,
) -> str:
    """Promote EMAIL's account, or create it as an administrator; return what was done."""
    async with database.sessions() as session:
        promoted = await AdminService(UserRepository(session), hasher).promote(email)
        await session.commit()
    if promoted is not None:
        return f"{promoted.email} is now an administrator."
    password = ask_password()  # Asked with no transaction open.
    async with database.sessions() as session:
        service = AdminService(UserRepository(session), hasher)
        try:
            created = await service.create(email, display_name or email.split("@", 1)[0], password)
        except ConflictError as exc:
            # Someone signed up with EMAIL meanwhile: never promote an account nobody checked.
            msg = f"{email} was registered while the password was asked for; check that account"
            raise CommandError(msg) from exc
        await session.commit()
    return f"Created the administrator {created.email}."


async def run_create_admin(email: str, display_name: str | None) -> str:
    """Run create-admin against the database of the process's settings."""
    settings = get_settings()
    database, hasher = Database(settings), PasswordHasher(settings)
    try:
        return await create_admin(database, hasher, email, ask_new_password, display_name)
    finally:
        hasher.shutdown()
        await database.dispose()


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command; errors end with one line and status 1."""
    parser = argparse.ArgumentParser(prog="python -m src.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="make or promote an administrator")
    create.add_argument("email")
    create.add_argument("--display-name", default=None)
    args = parser.parse_args(argv)
    try:
        email = TypeAdapter(Email).validate_python(args.email)
        print(asyncio.run(run_create_admin(email, args.display_name)))
    except ValidationError as exc:
        print(f"ERROR: email: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 1
    except CommandError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
