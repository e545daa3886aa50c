"""The notice outbox: notices written with their cause and delivered by a worker with retries;
bodies sealed at rest and wiped once delivered.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import TZ, create_indexes, drop_indexes

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "notice_outbox",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=True),
        sa.Column("last_attempt_at", TZ, nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_outbox")),
    )
    create_indexes("notice_outbox", "key", "created_at")
    op.create_index(
        "ix_notice_outbox_status_next", "notice_outbox", ["status", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_notice_outbox_status_next", table_name="notice_outbox")
    drop_indexes("notice_outbox", "created_at", "key")
    op.drop_table("notice_outbox")
