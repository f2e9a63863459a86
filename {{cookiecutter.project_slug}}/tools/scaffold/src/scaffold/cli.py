"""`uv run scaffold`: one entity through every layer, from the command line."""

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from scaffold.edits import append_factory, register_model, register_router, register_service
from scaffold.entity import Entity, Known
from scaffold.layers import (
    render_dependency,
    render_repository,
    render_router,
    render_service,
    targets,
)
from scaffold.migration import render_migration
from scaffold.model import render_model
from scaffold.project import Project
from scaffold.schemas import render_schemas
from scaffold.spec import (
    RESERVED_ENTITIES,
    FieldSpec,
    SpecError,
    check_name,
    parse_field,
    plural_of,
)
from scaffold.tests import render_factories, render_tests
from scaffold.writing import apply, formatted

DESCRIPTION = """\
Add an entity through every layer, in the pattern of items: model, schemas, repository,
service, dependency, router (registered), an Alembic revision and HTTP tests. Everything it
writes passes ruff, mypy --strict and its own tests as it is; it writes all files or none.
"""

EPILOG = """\
fields read name:type[:argument][:unique|:index][?][=default]:
  str[:N]          text of at most N characters (255 unless given); required ones not empty
  text             text without a length limit
  int              a PostgreSQL integer (-2**31 .. 2**31-1)
  float            a double precision number (no inf or NaN)
  decimal[:P,S]    an exact number: P digits, S after the point (12,2 unless given)
  bool             true or false
  date             a calendar date (2026-01-31)
  datetime         an instant with its timezone (naive times are refused)
  uuid             a UUID
  enum:a,b,c       one of the listed snake_case values
  ref:ENTITY       the id of a row of ENTITY (column NAME_id, indexed); deleting that row
                   deletes this one, or empties the reference when it is optional (?)
  ?                optional: may be omitted or null (and a PATCH with null clears it)
  =VALUE           default when omitted (str, text, int, float, decimal, bool, enum)
  :unique          no two rows share the value (per owner with --owned), a clash is a 409;
                   for str, text, int, uuid and ref
  :index           an index on the column, for queries you will add

example:
  uv run scaffold project name:str:120 notes:text? due:date budget:decimal \\
      status:enum:draft,active,done=draft done:bool=false client:ref:client --owned
"""


def parser() -> argparse.ArgumentParser:
    """Return the command line's parser."""
    parser = argparse.ArgumentParser(
        prog="scaffold",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("entity", help="the entity's singular snake_case name (project)")
    parser.add_argument("fields", nargs="+", metavar="field", help="name:type... (see below)")
    parser.add_argument(
        "--owned",
        action="store_true",
        help="each row belongs to the user who created it; others' rows answer 404 (auth=jwt)",
    )
    parser.add_argument("--plural", help="the plural, when adding s/es/ies gets it wrong")
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="the service's folder (default: here)"
    )
    return parser


def entity_from(arguments: argparse.Namespace, project: Project) -> Entity:
    """Check the command line against the project and return the entity to write."""
    name: str = arguments.entity
    check_name(name, "entity")
    plural = arguments.plural or plural_of(name)
    check_name(plural, "plural")
    known = project.entities()
    if name in known or name in project.modules() or plural in project.modules():
        msg = f"entity {name!r} exists already (or its module name is taken in src/)"
        raise SpecError(msg)
    if name in RESERVED_ENTITIES or plural in RESERVED_ENTITIES | {"owners", "users"}:
        msg = f"entity {name!r} is a name the service or the generated code already uses"
        raise SpecError(msg)
    if plural in {entity.table for entity in known.values()}:
        msg = f"a table called {plural!r} exists already"
        raise SpecError(msg)
    if f"/{plural.replace('_', '-')}" in project.routes():
        msg = f"a router already serves /{plural.replace('_', '-')}"
        raise SpecError(msg)
    jwt = project.jwt
    if arguments.owned and not jwt:
        msg = "--owned needs users who sign in; this service was made with auth=none"
        raise SpecError(msg)
    fields = tuple(parse_field(text) for text in arguments.fields)
    return Entity(
        name=name,
        plural=plural,
        fields=check_fields(fields, known, owned=arguments.owned),
        owned=arguments.owned,
        jwt=jwt,
        targets={field.target: known[field.target] for field in fields if field.target},
    )


def check_fields(
    fields: tuple[FieldSpec, ...], known: dict[str, Known], *, owned: bool
) -> tuple[FieldSpec, ...]:
    """Refuse repeated columns and references to entities the project does not have."""
    columns = [field.column for field in fields]
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        msg = f"field {repeated[0]!r} is given twice"
        raise SpecError(msg)
    for field in fields:
        if field.target is None:
            continue
        if field.target not in known:
            have = ", ".join(sorted(known))
            msg = f"field {field.name!r} refers to {field.target!r}, not an entity (have: {have})"
            raise SpecError(msg)
        if known[field.target].owned and not owned:
            msg = f"field {field.name!r}: only an --owned entity may refer to {field.target!r}"
            raise SpecError(msg)
    return fields


def contents(project: Project, entity: Entity) -> dict[str, str]:
    """Return every file to write, new ones and registered ones, path -> full text."""
    now = datetime.now(UTC)
    head = project.head()
    revision = project.next_revision(head)
    w = entity.words()
    function, alias = render_dependency(entity)
    deps_imports = [
        (f"src.repositories.{entity.name}", f"{entity.cls}Repository"),
        (f"src.services.{entity.name}", f"{entity.cls}Service"),
    ] + [
        (f"src.repositories.{target.name}", f"{target.cls}Repository") for target in targets(entity)
    ]
    factory_imports = [("typing", "Any"), ("httpx", "AsyncClient")]
    modules = ["itertools"] + (
        ["uuid"] if any(f.kind == "uuid" and f.unique for f in entity.fields) else []
    )
    migration = f"migrations/versions/{now:%Y%m%d}_{revision}_add_{entity.plural}.py"
    return {
        f"src/models/{w['name']}.py": render_model(entity),
        f"src/schemas/{w['name']}.py": render_schemas(entity),
        f"src/repositories/{w['name']}.py": render_repository(entity),
        f"src/services/{w['name']}.py": render_service(entity),
        f"src/api/v1/{w['plural']}.py": render_router(entity),
        f"src/tests/api/v1/test_{w['plural']}.py": render_tests(entity),
        migration: render_migration(entity, revision, head, now),
        "src/models/__init__.py": register_model(
            "src/models/__init__.py",
            project.text("src/models/__init__.py"),
            entity.name,
            entity.cls,
        ),
        "src/api/routes.py": register_router(
            "src/api/routes.py", project.text("src/api/routes.py"), entity.plural
        ),
        "src/api/deps.py": register_service(
            "src/api/deps.py", project.text("src/api/deps.py"), function, alias, deps_imports
        ),
        "src/tests/factories.py": append_factory(
            "src/tests/factories.py",
            project.text("src/tests/factories.py"),
            render_factories(entity),
            factory_imports,
            modules,
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Scaffold the entity; on refusal print one line to stderr and change nothing."""
    arguments = parser().parse_args(argv)
    started = time.perf_counter()
    try:
        project = Project.find(arguments.root.resolve())
        entity = entity_from(arguments, project)
        files = formatted(project.root, contents(project, entity))
        apply(project.root, files)
    except SpecError as exc:
        print(f"scaffold: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    for relative in files:
        print(f"wrote {relative}")
    print(f"scaffolded {entity.name} in {seconds:.2f}s; next: uv run alembic upgrade head")
    return 0
