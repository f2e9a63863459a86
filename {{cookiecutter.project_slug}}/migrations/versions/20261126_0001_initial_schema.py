"""Initial schema: users and items.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 00:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
{%- if cookiecutter.auth == "jwt" %}
        sa.Column("hashed_password", sa.String(length=255), nullable=False),
        sa.Column("token_version", sa.Integer(), server_default="0", nullable=False),
{%- endif %}
{%- if cookiecutter.background_jobs == "arq" %}
        sa.Column("welcomed_at", sa.DateTime(timezone=True), nullable=True),
{%- endif %}
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_email"), "users", ["email"], unique=True)
    op.create_index("ix_users_created_at_id", "users", ["created_at", "id"], unique=False)
{%- if cookiecutter.background_jobs == "arq" %}
    op.create_index(
        "ix_users_not_welcomed",
        "users",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("welcomed_at IS NULL"),
    )
{%- endif %}
    op.create_table(
        "items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=True),
{%- if cookiecutter.auth == "jwt" %}
        sa.Column("owner_id", sa.Uuid(), nullable=False),
{%- endif %}
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
{%- if cookiecutter.auth == "jwt" %}
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_items_owner_id_users"), ondelete="CASCADE"
        ),
{%- endif %}
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
{%- if cookiecutter.auth == "jwt" %}
    op.create_index(
        "ix_items_owner_id_created_at_id",
        "items",
        ["owner_id", "created_at", "id"],
        unique=False,
    )
{%- else %}
    op.create_index("ix_items_created_at_id", "items", ["created_at", "id"], unique=False)
{%- endif %}


def downgrade() -> None:
    """Revert this revision."""
{%- if cookiecutter.auth == "jwt" %}
    op.drop_index("ix_items_owner_id_created_at_id", table_name="items")
{%- else %}
    op.drop_index("ix_items_created_at_id", table_name="items")
{%- endif %}
    op.drop_table("items")
{%- if cookiecutter.background_jobs == "arq" %}
    op.drop_index(
        "ix_users_not_welcomed", table_name="users", postgresql_where=sa.text("welcomed_at IS NULL")
    )
{%- endif %}
    op.drop_index("ix_users_created_at_id", table_name="users")
    op.drop_index(op.f("ix_users_email"), table_name="users")
    op.drop_table("users")
