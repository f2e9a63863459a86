"""The Alembic revision creating a new entity's table, written from the fields (no database)."""

from datetime import datetime

from scaffold.entity import Entity
from scaffold.model import on_delete
from scaffold.spec import FieldSpec

SA_TYPES = {
    "int": "sa.Integer()",
    "float": "sa.Float()",
    "bool": "sa.Boolean()",
    "date": "sa.Date()",
    "datetime": "sa.DateTime(timezone=True)",
    "uuid": "sa.Uuid()",
    "ref": "sa.Uuid()",
    "text": "sa.Text()",
}


def sa_type(field: FieldSpec) -> str:
    """Return the column type as the revision spells it."""
    if field.kind == "str":
        return f"sa.String(length={field.length})"
    if field.kind == "enum":
        return f"sa.String(length={max(map(len, field.choices))})"
    if field.kind == "decimal":
        if field.precision is None:
            raise ValueError(field)
        return "sa.Numeric(precision={}, scale={})".format(*field.precision)
    return SA_TYPES[field.kind]


def table_lines(entity: Entity) -> list[str]:
    """Return the arguments of `op.create_table`."""
    table = entity.plural
    lines = ['sa.Column("id", sa.Uuid(), nullable=False),']
    for field in entity.fields:
        nullable = "True" if field.optional else "False"
        lines.append(f'sa.Column("{field.column}", {sa_type(field)}, nullable={nullable}),')
    if entity.owned:
        lines.append('sa.Column("owner_id", sa.Uuid(), nullable=False),')
    lines.append(
        'sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),'
        " nullable=False),"
    )
    for field in entity.fields:
        if field.kind == "enum":
            values = ", ".join(f"'{choice}'" for choice in field.choices)
            check = f'"{field.column} IN ({values})"'
            lines.append(f'sa.CheckConstraint({check}, name=op.f("ck_{table}_{field.column}")),')
    references = [
        (field.column, entity.target(field).table, on_delete(field)) for field in entity.references
    ]
    if entity.owned:
        references.append(("owner_id", "users", "CASCADE"))
    for column, target, action in sorted(references):
        name = f"fk_{table}_{column}_{target}"
        lines.append(
            f'sa.ForeignKeyConstraint(["{column}"], ["{target}.id"], name=op.f("{name}"),'
            f' ondelete="{action}"),'
        )
    lines.append(f'sa.PrimaryKeyConstraint("id", name=op.f("pk_{table}")),')
    for field in entity.uniques:
        columns = f'"owner_id", "{field.column}"' if entity.owned else f'"{field.column}"'
        name = entity.unique_constraint(field)
        lines.append(f'sa.UniqueConstraint({columns}, name=op.f("{name}")),')
    return lines


def indexes(entity: Entity) -> list[tuple[str, str]]:
    """Return (name, columns) of each index besides unique constraints, in creation order."""
    table = entity.plural
    found = []
    for field in entity.fields:
        plain_unique = field.unique and not entity.owned
        if not plain_unique and (field.index or field.kind == "ref"):
            found.append((f'op.f("ix_{table}_{field.column}")', f'["{field.column}"]'))
    if entity.owned:
        found.append((f'"ix_{table}_owner_id_created_at_id"', '["owner_id", "created_at", "id"]'))
    else:
        found.append((f'"ix_{table}_created_at_id"', '["created_at", "id"]'))
    return found


def render_migration(entity: Entity, revision: str, down_revision: str, now: datetime) -> str:
    """Return the revision's source."""
    table = entity.plural
    upgrade = [f'op.create_table("{table}",', *[f"    {line}" for line in table_lines(entity)], ")"]
    upgrade += [
        f'op.create_index({name}, "{table}", {columns}, unique=False)'
        for name, columns in indexes(entity)
    ]
    downgrade = [f'op.drop_index({name}, table_name="{table}")' for name, _ in indexes(entity)]
    downgrade.append(f'op.drop_table("{table}")')
    return "\n".join(
        [
            f'"""Add {entity.words()["humans"]}.',
            "",
            f"Revision ID: {revision}",
            f"Revises: {down_revision}",
            f"Create Date: {now.isoformat(sep=' ', timespec='seconds')}",
            '"""',
            "",
            "from collections.abc import Sequence",
            "",
            "import sqlalchemy as sa",
            "from alembic import op",
            "",
            f'revision: str = "{revision}"',
            f'down_revision: str | None = "{down_revision}"',
            "branch_labels: str | Sequence[str] | None = None",
            "depends_on: str | Sequence[str] | None = None",
            "",
            "",
            "def upgrade() -> None:",
            '    """Apply this revision."""',
            *[f"    {line}" for line in upgrade],
            "",
            "",
            "def downgrade() -> None:",
            '    """Revert this revision."""',
            *[f"    {line}" for line in reversed(downgrade[:-1])],
            f"    {downgrade[-1]}",
            "",
        ]
    )
