"""The request and response schemas of a new entity, in the shape of src/schemas/item.py."""

from scaffold.entity import Entity
from scaffold.spec import FieldSpec, class_name


def alias(field: FieldSpec) -> str:
    """Return the annotation of a field, before `| None`: an alias when it has constraints."""
    plain = {"bool": "bool", "date": "date", "datetime": "AwareDatetime", "uuid": "uuid.UUID"}
    if field.kind == "ref":
        return "uuid.UUID"
    return plain.get(field.kind) or class_name(field.name)


def alias_definition(field: FieldSpec) -> list[str]:
    """Return the lines defining a field's constrained alias, if it has one."""
    name = class_name(field.name)
    if field.kind == "enum":
        return [f"{name} = Literal[{', '.join(repr(choice) for choice in field.choices)}]"]
    least = "min_length=1, " if not field.optional else ""
    digits, places = field.precision or (0, 0)
    rules = {
        "str": (
            "str",
            f"{least}max_length={field.name.upper()}_MAX_LENGTH, pattern=NO_NUL_PATTERN",
        ),
        "text": ("str", f"{least}pattern=NO_NUL_PATTERN"),
        "int": ("int", "ge=INT_MIN, le=INT_MAX"),
        "float": ("float", "allow_inf_nan=False"),
        "decimal": (
            "Decimal",
            f"max_digits={digits}, decimal_places={places}, allow_inf_nan=False",
        ),
    }
    if field.kind not in rules:
        return []
    python, rule = rules[field.kind]
    return [f"{name} = Annotated[{python}, Field({rule})]"]


def base_line(field: FieldSpec) -> str:
    """Return a field's line in <Entity>Base."""
    annotation = alias(field) + (" | None" if field.optional else "")
    if field.default is not None:
        return f"{field.column}: {annotation} = {field.default}"
    if field.optional:
        return f"{field.column}: {annotation} = None"
    return f"{field.column}: {annotation}"


def update_lines(entity: Entity) -> tuple[list[str], list[str]]:
    """Return <Entity>Update's field lines and its not-null validators."""
    lines: list[str] = []
    validators: list[str] = []
    for field in entity.fields:
        if field.optional:
            lines.append(f"{field.column}: {alias(field)} | None = None")
            continue
        if not validators:
            lines.append(
                '# None only stands for "omitted": the schema shows no null, and the validator'
                " refuses one."
            )
        lines.append(
            f"{field.column}: {alias(field)} | None = Field("
            "default=None, json_schema_extra=omitted_not_null)"
        )
        validators.append(
            f'_{field.column}_not_null = field_validator("{field.column}")(refuse_null)'
        )
    return lines, validators


def update_docstring(entity: Entity) -> str:
    """Describe what a partial change does, naming the fields a null clears."""
    clearable = [field.column.replace("_", " ") for field in entity.fields if field.optional]
    if not clearable:
        return '"""A partial change: omitted fields stay as they are."""'
    if len(clearable) == 1:
        return (
            '"""A partial change: omitted fields stay as they are; a null '
            f'{clearable[0]} clears it."""'
        )
    return '"""A partial change: omitted fields stay as they are; null clears an optional one."""'


def imports(entity: Entity) -> list[str]:
    """Return the schema module's imports."""
    kinds = {field.kind for field in entity.fields}
    dates = {"datetime"} | ({"date"} & kinds)
    constrained = bool(kinds & {"str", "text", "int", "float", "decimal"})
    some_required = any(not field.optional for field in entity.fields)
    typing = ({"Annotated"} if constrained else set()) | ({"Literal"} if "enum" in kinds else set())
    pydantic = {"BaseModel", "ConfigDict"}
    if constrained or some_required:
        pydantic.add("Field")
    if some_required:
        pydantic.add("field_validator")
    if "datetime" in kinds:
        pydantic.add("AwareDatetime")
    common = {"RequestModel"}
    if some_required:
        common.update({"omitted_not_null", "refuse_null"})
    if kinds & {"str", "text"}:
        common.add("NO_NUL_PATTERN")
    lines = ["import uuid", f"from datetime import {', '.join(sorted(dates))}"]
    if "decimal" in kinds:
        lines.append("from decimal import Decimal")
    if typing:
        lines.append(f"from typing import {', '.join(sorted(typing))}")
    return [
        *lines,
        "",
        f"from pydantic import {', '.join(sorted(pydantic))}",
        "",
        f"from src.schemas.common import {', '.join(sorted(common))}",
    ]


def constants(entity: Entity) -> list[str]:
    """Return the module's constants: str lengths, and int bounds when an int field needs them."""
    lines = [
        f"{field.name.upper()}_MAX_LENGTH = {field.length}"
        for field in entity.fields
        if field.kind == "str"
    ]
    if any(field.kind == "int" for field in entity.fields):
        lines += ["# A PostgreSQL integer: anything wider is refused here, not by the database."]
        lines += ["INT_MIN, INT_MAX = -(2**31), 2**31 - 1"]
    return lines


def render_schemas(entity: Entity) -> str:
    """Return src/schemas/<name>.py."""
    words = entity.words()
    definitions = [line for field in entity.fields for line in alias_definition(field)]
    update, validators = update_lines(entity)
    out = [
        "id: uuid.UUID",
        *(["owner_id: uuid.UUID"] if entity.owned else []),
        "created_at: datetime",
    ]
    return "\n".join(
        [
            f'"""{words["Human"]} schemas."""',
            "",
            *imports(entity),
            "",
            *constants(entity),
            "",
            *definitions,
            "",
            "",
            f"class {entity.cls}Base(BaseModel):",
            '    """Fields a client writes and reads."""',
            "",
            *[f"    {base_line(field)}" for field in entity.fields],
            "",
            "",
            f"class {entity.cls}Create({entity.cls}Base, RequestModel):",
            f'    """Input for a new {words["human"]}."""',
            "",
            "",
            f"class {entity.cls}Update(RequestModel):",
            f"    {update_docstring(entity)}",
            "",
            *[f"    {line}" for line in update],
            *([""] + [f"    {line}" for line in validators] if validators else []),
            "",
            "",
            f"class {entity.cls}Out({entity.cls}Base):",
            f'    """A {words["human"]} as the API returns it."""',
            "",
            "    model_config = ConfigDict(from_attributes=True)",
            "",
            *[f"    {line}" for line in out],
            "",
        ]
    )
