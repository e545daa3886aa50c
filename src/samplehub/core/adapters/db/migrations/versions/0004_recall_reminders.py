"""Recall reminders sent (one row per reminder: never sent twice).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recall_reminders",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("certificate", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_recall_reminders")),
    )
    op.create_index(
        op.f("ix_recall_reminders_certificate"), "recall_reminders", ["certificate"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_recall_reminders_certificate"), table_name="recall_reminders")
    op.drop_table("recall_reminders")
