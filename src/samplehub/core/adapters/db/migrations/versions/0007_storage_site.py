"""Storage as data: areas, slots with their occupancy, map nodes, places, capacity alerts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import TZ, create_indexes

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "storage_areas",
        sa.Column("id", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storage_areas")),
    )
    op.create_table(
        "storage_slots",
        sa.Column("address", sa.String(length=24), nullable=False),
        sa.Column("area", sa.String(length=8), nullable=False),
        sa.Column("rack", sa.Integer(), nullable=False),
        sa.Column("shelf", sa.Integer(), nullable=False),
        sa.Column("size_class", sa.String(length=2), nullable=False),
        sa.Column("access_node", sa.String(length=32), nullable=False),
        sa.Column("rfid_tag", sa.String(length=40), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("occupant", sa.String(length=24), nullable=True),
        sa.Column("reserved_for", sa.String(length=24), nullable=True),
        sa.Column("reserved_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_storage_slots")),
        sa.UniqueConstraint("occupant", name=op.f("uq_storage_slots_occupant")),
    )
    create_indexes("storage_slots", "area", "reserved_for")
    op.create_table(
        "storage_nodes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storage_nodes")),
    )
    op.create_table(
        "storage_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("area", sa.String(length=8), nullable=False),
        sa.Column("size_class", sa.String(length=2), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storage_alerts")),
    )
    op.create_table(
        "storage_places",
        sa.Column("location", sa.String(length=100), nullable=False),
        sa.Column("node", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("location", name=op.f("pk_storage_places")),
    )


def downgrade() -> None:
    for table in (
        "storage_places",
        "storage_alerts",
        "storage_nodes",
        "storage_slots",
        "storage_areas",
    ):
        op.drop_table(table)
