"""Storage tables (SQLAlchemy Core): areas, slots with their occupancy, map nodes, places and
the capacity alerts staff were given.

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
