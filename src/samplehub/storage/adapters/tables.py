"""Storage tables (SQLAlchemy Core): areas, slots with their occupancy, map nodes, places and
the capacity alerts staff were given; shelf inventory (tag tracks, cycles, findings).

On the core's ``metadata`` so the migrations see them. One sample per slot is also a rule of
the database: ``occupant`` is unique (several empty slots hold NULL).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, Integer, String, Table

from samplehub.core.adapters.db.tables import metadata

storage_areas = Table(
    "storage_areas",
    metadata,
    Column("id", String(8), primary_key=True),
    Column("name", String(60), nullable=False),
)

storage_slots = Table(
    "storage_slots",
    metadata,
    Column("address", String(24), primary_key=True),
    Column("area", String(8), nullable=False, index=True),
    Column("rack", Integer, nullable=False),
    Column("shelf", Integer, nullable=False),
    Column("size_class", String(2), nullable=False),
    Column("access_node", String(32), nullable=False),
    Column("rfid_tag", String(40), nullable=False),
    Column("blocked", Boolean, nullable=False),
    Column("occupant", String(24), nullable=True, unique=True),
    Column("reserved_for", String(24), nullable=True, index=True),
    Column("reserved_at", DateTime(timezone=True), nullable=True),
    Column("reader", String(32), nullable=True),
    Column("antenna", Integer, nullable=True),
)

storage_nodes = Table(
    "storage_nodes",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("x", Float, nullable=False),
    Column("y", Float, nullable=False),
)

storage_alerts = Table(
    "storage_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("area", String(8), nullable=False),
    Column("size_class", String(2), nullable=False),
    Column("level", Integer, nullable=False),
    Column("used", Integer, nullable=False),
    Column("capacity", Integer, nullable=False),
)

storage_places = Table(
    "storage_places",
    metadata,
    Column("location", String(100), primary_key=True),  # kind:code
    Column("node", String(32), nullable=False),
)

inventory_tracks = Table(
    "inventory_tracks",
    metadata,
    Column("epc", String(32), primary_key=True),
    Column("seen_reader", String(32), nullable=True),
    Column("seen_antenna", Integer, nullable=True),
    Column("seen_cycles", Integer, nullable=False),
    Column("missed_cycles", Integer, nullable=False),
    Column("flagged", String(16), nullable=True),
)

inventory_cycles = Table(
    "inventory_cycles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(32), nullable=False),
    Column("expected", Integer, nullable=False),
    Column("confirmed", Integer, nullable=False),
    Column("not_read", Integer, nullable=False),
    Column("findings", Integer, nullable=False),
    Column("unavailable", String(400), nullable=False),
)

inventory_findings = Table(
    "inventory_findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("cycle", Integer, nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("epc", String(32), nullable=False, index=True),
    Column("sample", String(24), nullable=True),
    Column("recorded_slot", String(24), nullable=True),
    Column("seen", String(80), nullable=True),
    Column("rssi", Integer, nullable=True),
    Column("action", String(200), nullable=False),
    Column("task_id", String(16), nullable=True),
    Column("state", String(10), nullable=False, index=True),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
)
