"""The linters the suite trusts really find faults, and the template's own workflow has none."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from baking import ROOT
from delivery import TOOLS, actionlint, actionlint_command, schema_check

TEMPLATE_WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def findings(*command: str | Path) -> str:
    """Run a linter that should object; assert it did (non-zero exit) and return its output."""
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def write(directory: Path, name: str, text: str) -> Path:
    """Write a file into directory and return its path."""
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_hadolint_objects_to_an_untagged_base_image(tmp_path: Path) -> None:
    dockerfile = write(tmp_path, "Dockerfile", "FROM python\nCMD python -m http.server\n")

    assert "DL3006" in findings(TOOLS / "hadolint", dockerfile)


@pytest.mark.parametrize(
    ("schema", "text", "complaint"),
    [
        ("compose-spec", "services:\n  api:\n    port: 8000\n", "'port' was unexpected"),
        ("github-workflows", "name: CI\njobs: {}\n", "'on' is a required property"),
        ("dependabot", "updates: []\n", "'version' is a required property"),
    ],
    ids=["compose", "workflow", "dependabot"],
)
def test_a_schema_refuses_a_broken_file(
    tmp_path: Path, schema: str, text: str, complaint: str
) -> None:
    path = write(tmp_path, "broken.yml", text)

    output = findings(TOOLS / "check-jsonschema", "--builtin-schema", f"vendor.{schema}", path)

    assert complaint in output


def test_actionlint_objects_to_an_unknown_expression(tmp_path: Path) -> None:
    workflow = write(
        tmp_path,
        "ci.yml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - run: echo ${{ github.no_such_thing }}\n",
    )

    assert "no_such_thing" in findings(*actionlint_command(), workflow)


@pytest.mark.parametrize("workflow", TEMPLATE_WORKFLOWS, ids=lambda path: path.name)
def test_the_templates_own_workflows_are_clean(workflow: Path) -> None:
    schema_check("github-workflows", workflow)
    actionlint(workflow)


def test_the_template_has_a_workflow() -> None:
    assert [path.name for path in TEMPLATE_WORKFLOWS] == ["template.yml"]
