"""The ORM model of a new entity, in the shape of src/models/item.py."""

from scaffold.entity import Entity
from scaffold.spec import FieldSpec

# The Python type each column maps to, and the SQLAlchemy type when the annotation is not enough.
PYTHON_TYPES = {
    "str": "str",
    "text": "str",
    "int": "int",
    "float": "float",
    "decimal": "Decimal",
    "bool": "bool",
    "date": "date",
    "datetime": "datetime",
    "uuid": "uuid.UUID",
    "enum": "str",
    "ref": "uuid.UUID",
}


def column_type(field: FieldSpec) -> str | None:
    """Return the SQLAlchemy type to spell out, or None when `Mapped[...]` implies it."""
    if field.kind == "str":
        return f"String({field.length})"
    if field.kind == "enum":
        return f"String({max(map(len, field.choices))})"
    if field.kind == "text":
        return "Text"
    if field.kind == "decimal":
        if field.precision is None:
            raise ValueError(field)
        return "Numeric({}, {})".format(*field.precision)
    if field.kind == "datetime":
        return "DateTime(timezone=True)"
    return None


def on_delete(field: FieldSpec) -> str:
    """Return what deleting the referenced row does: a required reference goes with it."""
    return "SET NULL" if field.optional else "CASCADE"


def column(entity: Entity, field: FieldSpec) -> list[str]:
    """Return the lines declaring one field's column."""
    python = PYTHON_TYPES[field.kind] + (" | None" if field.optional else "")
    arguments = []
    comment = []
    if field.kind == "ref":
        target = entity.target(field)
        arguments.append(f'ForeignKey("{target.table}.id", ondelete="{on_delete(field)}")')
        effect = "empties this reference" if field.optional else f"deletes its {entity.plural}"
        comment.append(f"# Deleting the {target.name.replace('_', ' ')} {effect}.")
    elif (sql_type := column_type(field)) is not None:
        arguments.append(sql_type)
    if field.unique and not entity.owned:
        arguments.append("unique=True")
    elif field.index or field.kind == "ref":
        arguments.append("index=True")
    return [*comment, f"{field.column}: Mapped[{python}] = mapped_column({', '.join(arguments)})"]


def table_arguments(entity: Entity) -> list[str]:
    """Return the `__table_args__` entries: the listing index, per-owner uniques, enum checks."""
    if entity.owned:
        lines = [
            f'# Serves "the caller\'s {entity.plural}, newest first" (ties broken by id) without'
            " a sort.",
            f'Index("ix_{entity.plural}_owner_id_created_at_id", "owner_id", "created_at", "id"),',
        ]
    else:
        lines = [
            f'# Serves "{entity.plural}, newest first" (ties broken by id) without a sort.',
            f'Index("ix_{entity.plural}_created_at_id", "created_at", "id"),',
        ]
    for field in entity.uniques if entity.owned else ():
        name = entity.unique_constraint(field)
        lines.append(f'UniqueConstraint("owner_id", "{field.column}", name="{name}"),')
    for field in entity.fields:
        if field.kind == "enum":
            values = ", ".join(f"'{choice}'" for choice in field.choices)
            lines.append(f'CheckConstraint("{field.column} IN ({values})", name="{field.column}"),')
    return lines


def imports(entity: Entity) -> list[str]:
    """Return the model module's imports."""
    kinds = {field.kind for field in entity.fields}
    sqlalchemy = {"DateTime", "Index", "func"}
    sqlalchemy.update(
        name
        for kind, name in [
            ("str", "String"),
            ("enum", "String"),
            ("text", "Text"),
            ("decimal", "Numeric"),
            ("ref", "ForeignKey"),
            ("enum", "CheckConstraint"),
        ]
        if kind in kinds
    )
    if entity.owned:
        sqlalchemy.add("ForeignKey")
        if entity.uniques:
            sqlalchemy.add("UniqueConstraint")
    dates = {"datetime"} | ({"date"} & kinds)
    lines = ["import uuid", f"from datetime import {', '.join(sorted(dates))}"]
    if "decimal" in kinds:
        lines.append("from decimal import Decimal")
    return [
        *lines,
        "",
        f"from sqlalchemy import {', '.join(sorted(sqlalchemy))}",
        "from sqlalchemy.orm import Mapped, mapped_column",
        "",
        "from src.models.base import Base, utc_now",
    ]


def render_model(entity: Entity) -> str:
    """Return src/models/<name>.py."""
    owner = " owned by a user" if entity.owned else ""
    body = [
        f'__tablename__ = "{entity.plural}"',
        "__table_args__ = (",
        *[f"    {line}" for line in table_arguments(entity)],
        ")",
        "",
        "id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)",
    ]
    for field in entity.fields:
        body.extend(column(entity, field))
    if entity.owned:
        to_users = 'ForeignKey("users.id", ondelete="CASCADE")'
        body.append(f"owner_id: Mapped[uuid.UUID] = mapped_column({to_users})")
    body.extend(
        [
            "created_at: Mapped[datetime] = mapped_column(",
            "    DateTime(timezone=True), default=utc_now, server_default=func.now()",
            ")",
        ]
    )
    return "\n".join(
        [
            f'"""{entity.words()["Human"]}: one row of the {entity.plural} table{owner}."""',
            "",
            *imports(entity),
            "",
            "",
            f"class {entity.cls}(Base):",
            f'    """A {entity.words()["human"]}{owner}."""',
            "",
            *[f"    {line}" if line else "" for line in body],
            "",
        ]
    )
