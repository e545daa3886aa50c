"""The management centre: the station's outbox (`lg_outbox`) of messages for the centre, and
the centre's copies of every station's incidents (`lg_centre_incidents`, the highest version
seen per station and incident) and camera states (`lg_centre_cameras`). A station uses only
the outbox, the centre only its two tables; one chain keeps one schema for both.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from laneguard.records.adapters.revision_ops import TZ, closing_columns, sighting_columns

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "lg_outbox",
        sa.Column("entry_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("entry_id"),
    )
    op.create_table(
        "lg_centre_incidents",
        sa.Column("station", sa.String(length=64), nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *sighting_columns(),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        *closing_columns(),
        sa.Column("received_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("station", "incident_id"),
    )
    op.create_index("ix_lg_centre_incidents_opened_at", "lg_centre_incidents", ["opened_at"])
    op.create_table(
        "lg_centre_cameras",
        sa.Column("station", sa.String(length=64), nullable=False),
        sa.Column("camera", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("since", TZ, nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("station", "camera"),
    )


def downgrade() -> None:
    op.drop_table("lg_centre_cameras")
    op.drop_index("ix_lg_centre_incidents_opened_at", table_name="lg_centre_incidents")
    op.drop_table("lg_centre_incidents")
    op.drop_table("lg_outbox")
