"""Registration edits: each finds its place in a file the user may have changed, or refuses.

Places are found by parsing (the last `from src.` import, the last `get_*_service`, the
`ROUTERS` tuple, `__all__`), not by line numbers, so formatting and additions do not matter;
a place that is gone stops the command with one line naming the file and what it looked for.
"""

import ast
import re

from scaffold.spec import SpecError


def _tree(path: str, source: str) -> ast.Module:
    """Parse a file, refusing one that is not valid Python."""
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        msg = f"{path} does not parse ({exc.msg}, line {exc.lineno}); fix it first"
        raise SpecError(msg) from None


def _insert_after(source: str, line_number: int, text: str) -> str:
    """Insert text after the 1-based line line_number."""
    lines = source.splitlines(keepends=True)
    return "".join([*lines[:line_number], text, *lines[line_number:]])


def imported_names(tree: ast.Module) -> set[str]:
    """Return the names the module's top-level imports bind."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom | ast.Import):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def add_imports(path: str, source: str, imports: list[tuple[str, str]]) -> str:
    """Add `from module import name` lines the file lacks, after its last top-level import."""
    tree = _tree(path, source)
    present = imported_names(tree)
    missing = [f"from {module} import {name}\n" for module, name in imports if name not in present]
    last = [node for node in tree.body if isinstance(node, ast.ImportFrom | ast.Import)]
    if not last:
        msg = f"{path}: no import to add `{missing[0].strip()}` after"
        raise SpecError(msg)
    return _insert_after(source, last[-1].end_lineno or 0, "".join(missing)) if missing else source


def _assignments(tree: ast.Module, name: str) -> list[ast.Assign]:
    """Return the module-level assignments to `name`."""
    return [
        node
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == name for target in node.targets)
    ]


def register_model(path: str, source: str, module: str, cls: str) -> str:
    """Import the model in src/models/__init__.py and list it in `__all__`."""
    exports = _assignments(_tree(path, source), "__all__")
    if len(exports) != 1 or not isinstance(exports[0].value, ast.List | ast.Tuple):
        msg = f"{path}: no `__all__ = [...]` list to add {cls} to"
        raise SpecError(msg)
    names = [ast.literal_eval(element) for element in exports[0].value.elts]
    node = exports[0]
    lines = source.splitlines(keepends=True)
    listed = "__all__ = [" + ", ".join(f'"{name}"' for name in sorted({*names, cls})) + "]\n"
    source = "".join([*lines[: node.lineno - 1], listed, *lines[node.end_lineno or 0 :]])
    return add_imports(path, source, [(f"src.models.{module}", cls)])


def register_router(path: str, source: str, module: str) -> str:
    """Import the router module in src/api/routes.py and append it to `ROUTERS`."""
    tree = _tree(path, source)
    routers = _assignments(tree, "ROUTERS")
    if len(routers) != 1 or not isinstance(routers[0].value, ast.Tuple | ast.List):
        msg = f"{path}: no `ROUTERS = (...)` to add {module}.router to"
        raise SpecError(msg)
    value = routers[0].value
    lines = source.splitlines(keepends=True)
    # Insert after the last element, so the user's order (it is the matching order) stays.
    last = value.elts[-1]
    row = lines[(last.end_lineno or 0) - 1]
    at = last.end_col_offset or 0
    lines[(last.end_lineno or 0) - 1] = f"{row[:at]}, {module}.router{row[at:]}"
    source = "".join(lines)
    v1 = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "src.api.v1" and node.level == 0
    ]
    if not v1:
        return add_imports(path, source, [("src.api.v1", module)])
    node = v1[-1]
    names = sorted({alias.name for alias in node.names} | {module})
    lines = source.splitlines(keepends=True)
    statement = f"from src.api.v1 import {', '.join(names)}\n"
    return "".join([*lines[: node.lineno - 1], statement, *lines[node.end_lineno or 0 :]])


def is_alias(node: ast.stmt, suffix: str = "Dep") -> bool:
    """Tell whether a statement assigns a dependency alias (`ItemServiceDep = Annotated[...]`)."""
    return isinstance(node, ast.Assign) and any(
        isinstance(target, ast.Name) and target.id.endswith(suffix) for target in node.targets
    )


def register_service(
    path: str, source: str, function: str, alias: str, imports: list[tuple[str, str]]
) -> str:
    """Add the provider after the last `get_*_service`, its alias after the last `*ServiceDep`."""
    tree = _tree(path, source)
    providers = [
        node
        for node in tree.body
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
        and re.fullmatch(r"get_\w+_service", node.name)
    ]
    aliases = [node for node in tree.body if is_alias(node, "ServiceDep")]
    if not providers or not aliases:
        msg = f"{path}: no `async def get_..._service` and `...ServiceDep = ...` to add it after"
        raise SpecError(msg)
    # Next to the first block of aliases and the providers above it, where items' are, rather
    # than after whatever comes last (with jwt, the sign-in service and its alias).
    block = tree.body[tree.body.index(aliases[0]) :]
    ends = next((i for i, node in enumerate(block) if not is_alias(node)), len(block))
    above = [node for node in providers if node.lineno < aliases[0].lineno] or providers
    after_alias, after_provider = block[ends - 1].end_lineno or 0, above[-1].end_lineno or 0
    # Bottom first, so the line number of the upper place still holds.
    for line_number, text in sorted(
        [(after_alias, alias), (after_provider, "\n\n" + function)], reverse=True
    ):
        source = _insert_after(source, line_number, text)
    return add_imports(path, source, imports)


def append_factory(
    path: str, source: str, factory: str, imports: list[tuple[str, str]], modules: list[str]
) -> str:
    """Append the entity's factories to src/tests/factories.py, with the imports they need."""
    tree = _tree(path, source)
    present = imported_names(tree)
    source = source.rstrip("\n") + "\n\n\n" + factory
    missing = [f"import {module}\n" for module in modules if module not in present]
    if missing:
        first = [node for node in tree.body if isinstance(node, ast.ImportFrom | ast.Import)]
        if not first:
            msg = f"{path}: no import to add `{missing[0].strip()}` next to"
            raise SpecError(msg)
        source = _insert_after(source, first[0].lineno - 1, "".join(missing))
    return add_imports(path, source, imports)
