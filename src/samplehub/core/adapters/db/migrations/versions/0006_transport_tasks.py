"""Transport tasks: every physical move of a sample as a record.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import TZ, create_indexes

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "transport_tasks",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sample_number", sa.String(length=24), nullable=False),
        sa.Column("order_number", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("deadline", TZ, nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("confirmation", sa.String(length=16), nullable=True),
        sa.Column("estimate", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sample_number"],
            ["samples.number"],
            name=op.f("fk_transport_tasks_sample_number_samples"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transport_tasks")),
    )
    create_indexes("transport_tasks", "sample_number", "state", "updated_at")


def downgrade() -> None:
    op.drop_table("transport_tasks")
