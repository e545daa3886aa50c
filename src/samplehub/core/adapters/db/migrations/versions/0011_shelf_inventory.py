"""Shelf inventory: each slot's RFID reader and antenna; the tracks of tags between cycle
counts, the cycles (for accuracy and its trend) and the findings with what was done.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import TZ, create_indexes, drop_indexes

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    with op.batch_alter_table("storage_slots") as batch:
        batch.add_column(sa.Column("reader", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("antenna", sa.Integer(), nullable=True))
    op.create_table(
        "inventory_tracks",
        sa.Column("epc", sa.String(length=32), nullable=False),
        sa.Column("seen_reader", sa.String(length=32), nullable=True),
        sa.Column("seen_antenna", sa.Integer(), nullable=True),
        sa.Column("seen_cycles", sa.Integer(), nullable=False),
        sa.Column("missed_cycles", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("epc", name=op.f("pk_inventory_tracks")),
    )
    op.create_table(
        "inventory_cycles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.Column("not_read", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("unavailable", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_cycles")),
    )
    op.create_table(
        "inventory_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("epc", sa.String(length=32), nullable=False),
        sa.Column("sample", sa.String(length=24), nullable=True),
        sa.Column("recorded_slot", sa.String(length=24), nullable=True),
        sa.Column("seen", sa.String(length=80), nullable=True),
        sa.Column("rssi", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=200), nullable=False),
        sa.Column("task_id", sa.String(length=16), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("resolved_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_findings")),
    )
    create_indexes("inventory_findings", "cycle", "epc", "state")


def downgrade() -> None:
    drop_indexes("inventory_findings", "cycle", "epc", "state")
    op.drop_table("inventory_findings")
    op.drop_table("inventory_cycles")
    op.drop_table("inventory_tracks")
    with op.batch_alter_table("storage_slots") as batch:
        batch.drop_column("antenna")
        batch.drop_column("reader")
