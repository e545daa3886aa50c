"""Recall reminders sent (one row per reminder: never sent twice).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import TZ, create_indexes, drop_indexes

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "recall_reminders",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("certificate", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_recall_reminders")),
    )
    create_indexes("recall_reminders", "certificate")


def downgrade() -> None:
    drop_indexes("recall_reminders", "certificate")
    op.drop_table("recall_reminders")
