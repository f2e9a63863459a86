"""All files or none: format the new contents apart, then swap them in, undoing on failure."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from scaffold.spec import SpecError

# The staged modules do not exist under src/ yet, which would make ruff sort them as third party.
FIRST_PARTY = "lint.isort.known-first-party = ['src']"


def ruff() -> str:
    """Return the project's ruff (the dev group installs it next to this command)."""
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if found is None:
        msg = "ruff is not installed; run `uv sync` (it is in the dev group) and try again"
        raise SpecError(msg)
    return found


def formatted(root: Path, contents: dict[str, str]) -> dict[str, str]:
    """Return the contents sorted and formatted by the project's own ruff settings."""
    with tempfile.TemporaryDirectory(prefix=".scaffold-", dir=root) as staging:
        paths = []
        for relative, text in contents.items():
            path = Path(staging) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        for command in (["check", "--select", "I", "--fix", "--quiet"], ["format", "--quiet"]):
            result = subprocess.run(  # noqa: S603 - the project's ruff, on files written here
                [ruff(), *command, "--no-cache", "--config", FIRST_PARTY, *paths],
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                detail = (result.stderr or result.stdout).strip().splitlines()
                msg = f"ruff could not format the new code: {detail[0] if detail else 'no output'}"
                raise SpecError(msg)
        return {relative: (Path(staging) / relative).read_text("utf-8") for relative in contents}


def apply(root: Path, contents: dict[str, str]) -> None:
    """Write every file or, if one write fails, put back the tree as it was."""
    originals = {
        relative: (root / relative).read_bytes() if (root / relative).exists() else None
        for relative in contents
    }
    staged = {}
    try:
        for relative, text in contents.items():
            target = root / relative
            temporary = target.with_name(f".{target.name}.scaffold")
            temporary.write_text(text, encoding="utf-8")
            staged[relative] = temporary
        for relative, temporary in staged.items():
            temporary.replace(root / relative)
    except BaseException:
        for relative, original in originals.items():
            target = root / relative
            if original is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(original)
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        raise
