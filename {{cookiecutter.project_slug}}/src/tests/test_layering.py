"""The import direction is the architecture: api -> services -> repositories -> models."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1]


def imported_names(path: Path) -> set[str]:
    """Every module and name a file imports, dotted (`src.database.SessionFactory`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def files_in(package: str) -> list[Path]:
    """The Python files of a package under src/."""
    return sorted((SRC / package).rglob("*.py"))


# deps.py is the composition root: the one place where services meet repositories.
ROUTERS = [path for path in files_in("api") if path.name != "deps.py"]
ROUTERS_NEVER: tuple[str, ...] = ("src.repositories", "src.database", "src.models", "sqlalchemy")
SERVICES_NEVER: tuple[str, ...] = ("src.database", "src.api", "sqlalchemy")
{%- if cookiecutter.background_jobs == "arq" %}
# Routers and services know the job queue only as src.jobs.JobQueue.
QUEUE_INTERNALS = ("arq", "redis", "src.jobs.queue", "src.worker")
ROUTERS_NEVER += QUEUE_INTERNALS
SERVICES_NEVER += QUEUE_INTERNALS
{%- endif %}


@pytest.mark.parametrize(
    ("paths", "forbidden"),
    [
        (ROUTERS, ROUTERS_NEVER),
        (files_in("services"), SERVICES_NEVER),
        (files_in("repositories"), ("src.database", "src.api", "src.services")),
    ],
    ids=["routers", "services", "repositories"],
)
def test_layer_imports_only_downwards(paths: list[Path], forbidden: tuple[str, ...]) -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in paths
        for name in sorted(imported_names(path))
        if name.startswith(forbidden)
    ]

    assert paths
    assert offenders == []


def test_only_the_database_module_and_repositories_name_async_session() -> None:
    allowed = {SRC / "database.py", *files_in("repositories")}
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts
        and path not in allowed
        and "AsyncSession" in path.read_text(encoding="utf-8")
    ]

    assert offenders == []
