"""Pickup tables (SQLAlchemy Core): bookings with their code's digest, kiosk guards, code attempts.

Kept beside ``tables.py`` on the same ``metadata`` so the pickup slice merges without touching
the shared table list. A code is never stored, only its HMAC digest; attempts never hold either.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table

from samplehub.core.adapters.db.tables import metadata

pickup_bookings = Table(
    "pickup_bookings",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("order_number", String(24), nullable=False, index=True),
    Column("customer_id", String(32), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("window_end", DateTime(timezone=True), nullable=False),
    Column("sizes", JSON, nullable=False),  # sample number -> S/M/L
    Column("placements", JSON, nullable=False),  # sample number -> kind:code
    Column("collected", JSON, nullable=False),
    Column("left_behind", JSON, nullable=False),
    Column("code_digest", String(64), nullable=True, index=True),
    Column("code_issued_at", DateTime(timezone=True), nullable=True),
    Column("code_valid_from", DateTime(timezone=True), nullable=True),
    Column("code_valid_until", DateTime(timezone=True), nullable=True),
    Column("code_used_at", DateTime(timezone=True), nullable=True),
    Column("code_revoked_at", DateTime(timezone=True), nullable=True),
    Column("code_revoke_reason", String(80), nullable=True),
    Column("code_wrong_tries", Integer, nullable=False, default=0),
    Column("booked_at", DateTime(timezone=True), nullable=True),
    Column("staged_at", DateTime(timezone=True), nullable=True, index=True),
    Column("version", Integer, nullable=False),
)

pickup_kiosk_guards = Table(
    "pickup_kiosk_guards",
    metadata,
    Column("kiosk_id", String(64), primary_key=True),
    Column("wrong_at", JSON, nullable=False),  # ISO 8601 UTC times of recent wrong entries
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

pickup_code_attempts = Table(
    "pickup_code_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kiosk_id", String(64), nullable=False),
    Column("verdict", String(16), nullable=False),  # accepted, rejected, locked
    Column("reason", String(80), nullable=False),  # why, for staff; never the code
    Column("booking_id", String(32), nullable=True),
    Index("ix_pickup_code_attempts_kiosk_id_at", "kiosk_id", "at"),
)

# wrong pickup codes counted per kiosk window and per institute hour; each count is one
# ``UPDATE … SET n = n + 1`` so that parallel entries never lose one
pickup_wrong_counts = Table(
    "pickup_wrong_counts",
    metadata,
    Column("bucket", String(120), primary_key=True),  # kiosk:<id>:<window> or institute:<hour>
    Column("n", Integer, nullable=False),
    Column("window_end", DateTime(timezone=True), nullable=False),
)
