"""Pickup bookings keep when they were made and when every sample was placed, so the flow
figures (/flow) measure the pickup preparation wait; bookings made before have neither.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import TZ, create_indexes, drop_indexes

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    with op.batch_alter_table("pickup_bookings") as batch:
        batch.add_column(sa.Column("booked_at", TZ, nullable=True))
        batch.add_column(sa.Column("staged_at", TZ, nullable=True))
    create_indexes("pickup_bookings", "staged_at")


def downgrade() -> None:
    drop_indexes("pickup_bookings", "staged_at")
    with op.batch_alter_table("pickup_bookings") as batch:
        batch.drop_column("staged_at")
        batch.drop_column("booked_at")
