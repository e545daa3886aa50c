"""Who viewed which incident's snapshot or clip (`lg_media_access`): pictures of the public are
kept for a limited time (the retention job) and every view is logged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from laneguard.records.adapters.revision_ops import TZ, existing_tables

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    if "lg_media_access" in existing_tables():
        return
    op.create_table(
        "lg_media_access",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("media", sa.String(length=16), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lg_media_access_at", "lg_media_access", ["at"])


def downgrade() -> None:
    op.drop_index("ix_lg_media_access_at", table_name="lg_media_access")
    op.drop_table("lg_media_access")
