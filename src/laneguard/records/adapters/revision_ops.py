"""What LaneGuard's Alembic revisions share: the time type of their columns, a look at what the
database already has (revisions make only what is missing, to adopt databases made before
them), and the columns a station's incident and the centre's copy of it have in common.

Revisions are history: the schema each one makes must never change, so these helpers must not
either. A revision that needs something else gets a new helper (or writes it out)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)


def existing_tables() -> set[str]:
    """The tables the database has now."""
    return set(sa.inspect(op.get_bind()).get_table_names())


def existing_columns(table: str) -> set[str]:
    """The names of the columns ``table`` has now."""
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def sighting_columns() -> list[sa.Column[object]]:
    """Where an incident was seen and what: camera, zone, lane, the object, its track, score."""
    return [
        sa.Column("camera", sa.String(length=64), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("lane", sa.String(length=64), nullable=False),
        sa.Column("object_class", sa.String(length=16), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
    ]


def closing_columns() -> list[sa.Column[object]]:
    """How an incident was closed, by whom and when (all empty while it is open)."""
    return [
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("closed_by", sa.String(length=128), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
    ]
