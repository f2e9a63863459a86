"""What the project already has: entities, tables, routes, modules, migrations, auth."""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from scaffold.entity import Known
from scaffold.spec import SpecError

TABLE = re.compile(r'__tablename__\s*=\s*"(\w+)"')
MODEL_CLASS = re.compile(r"^class (\w+)\(Base\):", re.MULTILINE)
PREFIX = re.compile(r'prefix=f?"(?:\{PREFIX\})?(/[^"]*)"')
REVISION = re.compile(r'^revision: str = "(\w+)"', re.MULTILINE)
DOWN_REVISION = re.compile(r'^down_revision: str \| None = (?:"(\w+)"|None)', re.MULTILINE)
# The folders each new file goes into: a module of the same name in any of them is a clash.
LAYERS = ("src/models", "src/schemas", "src/repositories", "src/services", "src/api/v1")


@dataclass(frozen=True)
class Project:
    """A baked project on disk, read once per command."""

    root: Path

    @classmethod
    def find(cls, start: Path) -> "Project":
        """Return the project containing start: the folder with pyproject.toml and src/models."""
        for folder in (start, *start.parents):
            if (folder / "pyproject.toml").is_file() and (folder / "src" / "models").is_dir():
                return cls(folder)
        msg = "run it inside the service's folder (no pyproject.toml with src/models/ found)"
        raise SpecError(msg)

    def text(self, relative: str) -> str:
        """Return a project file's text, or refuse in one line when it is missing."""
        path = self.root / relative
        if not path.is_file():
            msg = f"{relative} is missing; the scaffold needs it to register the entity"
            raise SpecError(msg)
        return path.read_text(encoding="utf-8")

    @property
    def jwt(self) -> bool:
        """Whether the service authenticates callers (it defines `CurrentUser`)."""
        tree = ast.parse(self.text("src/api/deps.py"))
        return any(
            isinstance(node, ast.Assign)
            and any(
                isinstance(target, ast.Name) and target.id == "CurrentUser"
                for target in node.targets
            )
            for node in tree.body
        )

    def entities(self) -> dict[str, Known]:
        """Return the project's entities by name (the model modules' stems)."""
        factories = self.text("src/tests/factories.py")
        found = {}
        for path in sorted((self.root / "src" / "models").glob("*.py")):
            source = path.read_text(encoding="utf-8")
            table, model = TABLE.search(source), MODEL_CLASS.search(source)
            if table is None or model is None:
                continue
            factory = re.search(
                rf"^async def create_{path.stem}\(\s*client: AsyncClient,\s*headers",
                factories,
                re.MULTILINE,
            )
            found[path.stem] = Known(
                name=path.stem,
                cls=model[1],
                table=table[1],
                owned=bool(re.search(r"^\s+owner_id: Mapped", source, re.MULTILINE)),
                factory_takes_headers=factory is not None,
            )
        return found

    def routes(self) -> set[str]:
        """Return the path prefixes the routers declare (`/health`, `/items`, ...)."""
        found = set()
        for path in (self.root / "src" / "api").rglob("*.py"):
            found.update(PREFIX.findall(path.read_text(encoding="utf-8")))
        return found

    def modules(self) -> set[str]:
        """Return the module names taken in any layer the scaffold writes to."""
        return {path.stem for layer in LAYERS for path in (self.root / layer).glob("*.py")}

    def head(self) -> str:
        """Return the one head revision the new one follows."""
        revisions: dict[str, str | None] = {}
        for path in (self.root / "migrations" / "versions").glob("*.py"):
            source = path.read_text(encoding="utf-8")
            revision, down = REVISION.search(source), DOWN_REVISION.search(source)
            if revision is None or down is None:
                msg = f"{path.relative_to(self.root)} has no `revision: str = ...` line to read"
                raise SpecError(msg)
            revisions[revision[1]] = down[1]
        heads = sorted(set(revisions) - set(revisions.values()))
        if len(heads) != 1:
            msg = f"the migrations have {len(heads)} heads ({', '.join(heads)}); merge them first"
            raise SpecError(msg)
        return heads[0]

    def next_revision(self, head: str) -> str:
        """Return the next revision id: numbered like the others (0003), else from the clock."""
        if head.isdigit():
            return str(int(head) + 1).zfill(len(head))
        msg = f"revision ids are not numbered ({head}); the scaffold numbers its revisions"
        raise SpecError(msg)
