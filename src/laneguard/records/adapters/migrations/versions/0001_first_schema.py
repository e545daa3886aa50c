"""The first LaneGuard schema: incident records (`lg_incidents`, before clips were kept) and
enrolled terminals (`lg_terminals`), as the first `create_tables` made them.

On a database made before these migrations, `migrate.upgrade` runs this revision to make only
the tables that are missing (as `create_tables` did: a table already there is left alone, its
indexes too), then stamps the revision the tables match.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from laneguard.records.adapters.revision_ops import (
    TZ,
    closing_columns,
    existing_tables,
    sighting_columns,
)

revision = "0001"
down_revision = None


def upgrade() -> None:
    existing = existing_tables()
    if "lg_incidents" not in existing:
        op.create_table(
            "lg_incidents",
            sa.Column("incident_id", sa.String(length=64), nullable=False),
            sa.Column("station", sa.String(length=64), nullable=False),
            *sighting_columns(),
            sa.Column("opened_at", TZ, nullable=False),
            sa.Column("snapshot_jpeg", sa.LargeBinary(), nullable=False),
            sa.Column("ended_at", TZ, nullable=True),
            sa.Column("frames", sa.Integer(), nullable=False),
            sa.Column("max_score", sa.Float(), nullable=False),
            sa.Column("track_summary", sa.Text(), nullable=False),
            *closing_columns(),
            sa.PrimaryKeyConstraint("incident_id"),
        )
        op.create_index("ix_lg_incidents_station", "lg_incidents", ["station"], unique=False)
        op.create_index("ix_lg_incidents_opened_at", "lg_incidents", ["opened_at"], unique=False)
    if "lg_terminals" not in existing:
        op.create_table(
            "lg_terminals",
            sa.Column("terminal_id", sa.String(length=32), nullable=False),
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("public_key", sa.LargeBinary(), nullable=False),
            sa.Column("enrolled_at", TZ, nullable=False),
            sa.Column("revoked_at", TZ, nullable=True),
            sa.PrimaryKeyConstraint("terminal_id"),
        )


def downgrade() -> None:
    op.drop_table("lg_terminals")
    op.drop_index("ix_lg_incidents_opened_at", table_name="lg_incidents")
    op.drop_index("ix_lg_incidents_station", table_name="lg_incidents")
    op.drop_table("lg_incidents")
