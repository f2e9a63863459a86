"""The scaffold: items' own pattern, one-line refusals, and all files or none."""

import ast
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from scaffold.cli import main
from scaffold.entity import Entity
from scaffold.layers import render_dependency, render_repository, render_router, render_service
from scaffold.model import render_model
from scaffold.project import Project
from scaffold.schemas import render_schemas
from scaffold.spec import parse_field

ROOT = Path(__file__).resolve().parents[3]
# An entity no project has (the suite must pass after users scaffold their own), plural `...s`.
NEW = "scaffold_probe"
# What `uv run scaffold` touches besides the files it creates.
REGISTRIES = ("src/models/__init__.py", "src/api/routes.py", "src/api/deps.py")


def code_of(source: str) -> str:
    """Return a module's syntax tree without docstrings: the code, not its wording."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        documented = ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        if isinstance(node, documented) and ast.get_docstring(node, clean=False) is not None:
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree, indent=1)


def item_shaped() -> Entity:
    """Return items as the scaffold would write them: a title and an optional description."""
    project = Project(ROOT)
    jwt = project.jwt
    fields = (parse_field("title:str:255"), parse_field("description:str:255?"))
    return Entity(
        name="item",
        plural="items",
        fields=fields,
        owned=jwt,
        jwt=jwt,
        targets={},
    )


@pytest.mark.parametrize(
    ("path", "render"),
    [
        ("src/models/item.py", render_model),
        ("src/schemas/item.py", render_schemas),
        ("src/repositories/item.py", render_repository),
        ("src/services/item.py", render_service),
        ("src/api/v1/items.py", render_router),
    ],
    ids=["model", "schemas", "repository", "service", "router"],
)
def test_an_item_shaped_entity_is_written_as_items_are(
    path: str, render: Callable[[Entity], str]
) -> None:
    written = render(item_shaped())

    assert code_of(written) == code_of((ROOT / path).read_text(encoding="utf-8"))


def test_the_item_shaped_dependency_is_wired_as_items_is() -> None:
    function, alias = render_dependency(item_shaped())
    deps = ast.parse((ROOT / "src/api/deps.py").read_text(encoding="utf-8"))
    wired = [
        node
        for node in deps.body
        if (isinstance(node, ast.AsyncFunctionDef) and node.name == "get_item_service")
        or (isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "ItemServiceDep")
    ]

    assert [code_of(ast.unparse(node)) for node in wired] == [code_of(function), code_of(alias)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Copy this project's code for the scaffold to write into."""
    copy = tmp_path / "service"
    ignore = shutil.ignore_patterns("__pycache__", ".*_cache")
    for part in ("src", "migrations"):
        shutil.copytree(ROOT / part, copy / part, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def snapshot(root: Path) -> dict[str, str]:
    """Return every file under root with a digest of its content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def scaffold(root: Path, *arguments: str) -> int:
    """Run the command on root."""
    return main([*arguments, "--root", str(root)])


REFUSALS = [
    (["Project", "name:str"], "must be snake_case"),
    (["class", "name:str"], "is a Python keyword"),
    (["order", "name:str"], "reserved word in PostgreSQL"),
    (["item", "name:str"], "exists already"),
    (["common", "name:str"], "exists already"),
    (["health", "name:str"], "exists already"),
    (["page", "name:str"], "already uses"),
    (["person", "name:str", "--plural", "users"], "exists already"),
    ([NEW, "name:blob"], "unknown type 'blob'"),
    ([NEW, "select:str"], "reserved word in PostgreSQL"),
    ([NEW, "id:uuid"], "already uses"),
    ([NEW, "name:str:0"], "a number from 1 to"),
    ([NEW, "price:decimal:2,3"], "places < digits"),
    ([NEW, "state:enum:"], "must read name:type"),
    ([NEW, "due:date=today"], "takes no default"),
    ([NEW, "done:bool=maybe"], "not a valid bool default"),
    ([NEW, "name:str", "name:text"], "given twice"),
    ([NEW, "client:ref:no_such_entity"], "not an entity"),
    ([NEW, "rate:float:unique"], "cannot be unique"),
    ([NEW, "day:date:unique"], "cannot be unique"),
    ([NEW, "label:str:unique:index"], "drop :index"),
    ([NEW, "code:str:unique=x"], "cannot have a default"),
]


@pytest.mark.parametrize(("arguments", "message"), REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_bad_input_is_one_line_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    before = snapshot(project)

    assert scaffold(project, *arguments) == 1

    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("scaffold: ")
    assert message in error
    assert snapshot(project) == before


def test_it_writes_every_layer_and_registers_the_entity(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert scaffold(project, NEW, "label:str:40:unique", "weight:int=0") == 0

    written = capsys.readouterr().out
    created = (f"src/models/{NEW}.py", f"src/api/v1/{NEW}s.py", f"src/tests/api/v1/test_{NEW}s.py")
    for path in created:
        assert f"wrote {path}" in written
        assert (project / path).is_file()
    assert f"{NEW}s.router" in (project / "src/api/routes.py").read_text("utf-8")
    assert '"ScaffoldProbe"' in (project / "src/models/__init__.py").read_text("utf-8")
    assert "ScaffoldProbeServiceDep = Annotated" in (project / "src/api/deps.py").read_text("utf-8")
    assert list(project.glob(f"migrations/versions/*_add_{NEW}s.py"))


def test_edits_of_the_user_are_kept(project: Path) -> None:
    deps = project / "src/api/deps.py"
    deps.write_text(deps.read_text("utf-8") + "\n\n# A note of the user's own.\n", "utf-8")

    assert scaffold(project, NEW, "label:str:40") == 0

    assert "# A note of the user's own." in deps.read_text("utf-8")


@pytest.mark.parametrize("registry", REGISTRIES)
def test_a_registry_without_its_place_stops_the_command_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], registry: str
) -> None:
    path = project / registry
    anchors = ("__all__", "ROUTERS", "ServiceDep")
    text = path.read_text("utf-8")
    for anchor in anchors:
        text = text.replace(anchor, "renamed_by_the_user")
    path.write_text(text, "utf-8")
    before = snapshot(project)

    assert scaffold(project, NEW, "label:str:40") == 1

    assert capsys.readouterr().err.startswith(f"scaffold: {registry}: no ")
    assert snapshot(project) == before


def test_a_registry_left_in_conflict_stops_the_command_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = project / "src/models/__init__.py"
    registry.write_text(f"<<<<<<< ours\n{registry.read_text('utf-8')}", "utf-8")
    before = snapshot(project)

    assert scaffold(project, NEW, "label:str:40") == 1

    assert capsys.readouterr().err.startswith("scaffold: src/models/__init__.py does not parse")
    assert snapshot(project) == before


def test_a_failure_halfway_puts_the_tree_back(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(project)
    replace = Path.replace
    calls = []

    def failing_replace(self: Path, target: Path) -> Path:
        calls.append(self)
        if len(calls) == 4:
            msg = "disk full"
            raise OSError(msg)
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)

    with pytest.raises(OSError, match="disk full"):
        scaffold(project, NEW, "label:str:40")

    assert len(calls) == 4
    assert snapshot(project) == before


def test_help_explains_the_field_types(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])

    assert exited.value.code == 0
    text = capsys.readouterr().out
    for word in ("str[:N]", "decimal[:P,S]", "enum:a,b,c", "ref:ENTITY", "--owned", ":unique"):
        assert word in text
