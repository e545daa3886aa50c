"""Pickup bookings, kiosk guards and the log of code attempts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import TZ, create_indexes, drop_indexes

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "pickup_bookings",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("order_number", sa.String(length=24), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("window_start", TZ, nullable=False),
        sa.Column("window_end", TZ, nullable=False),
        sa.Column("sizes", sa.JSON(), nullable=False),
        sa.Column("placements", sa.JSON(), nullable=False),
        sa.Column("collected", sa.JSON(), nullable=False),
        sa.Column("left_behind", sa.JSON(), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=True),
        sa.Column("code_issued_at", TZ, nullable=True),
        sa.Column("code_valid_from", TZ, nullable=True),
        sa.Column("code_valid_until", TZ, nullable=True),
        sa.Column("code_used_at", TZ, nullable=True),
        sa.Column("code_revoked_at", TZ, nullable=True),
        sa.Column("code_revoke_reason", sa.String(length=80), nullable=True),
        sa.Column("code_wrong_tries", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup_bookings")),
    )
    create_indexes("pickup_bookings", "order_number", "customer_id", "status", "code_digest")
    op.create_table(
        "pickup_kiosk_guards",
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("wrong_at", sa.JSON(), nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.PrimaryKeyConstraint("kiosk_id", name=op.f("pk_pickup_kiosk_guards")),
    )
    op.create_table(
        "pickup_code_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=False),
        sa.Column("booking_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup_code_attempts")),
    )
    op.create_index(
        "ix_pickup_code_attempts_kiosk_id_at", "pickup_code_attempts", ["kiosk_id", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_pickup_code_attempts_kiosk_id_at", table_name="pickup_code_attempts")
    op.drop_table("pickup_code_attempts")
    op.drop_table("pickup_kiosk_guards")
    drop_indexes("pickup_bookings", "order_number", "customer_id", "status", "code_digest")
    op.drop_table("pickup_bookings")
