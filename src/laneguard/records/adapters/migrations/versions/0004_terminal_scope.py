"""Terminals are scoped to a station and lanes, and some are the shift leader's
(`lg_terminals.station`, `lanes`, `leader`); an enrolment code carries the scope the terminal
enrolled with it gets (`lg_enrolment_codes.station`, `lanes`, `leader`). A terminal enrolled
before has no station and no lanes: it keeps receiving every alert.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from laneguard.records.adapters.revision_ops import existing_columns

revision = "0004"
down_revision = "0003"

TABLES = ("lg_terminals", "lg_enrolment_codes")


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("station", sa.String(length=64), nullable=True),
        sa.Column("lanes", sa.String(length=512), nullable=False, server_default=""),
        sa.Column("leader", sa.Boolean(), nullable=False, server_default=sa.false()),
    ]


def upgrade() -> None:
    for table in TABLES:
        have = existing_columns(table)
        missing = [c for c in _columns() if c.name not in have]
        if missing:
            with op.batch_alter_table(table) as batch:
                for column in missing:
                    batch.add_column(column)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for name in ("leader", "lanes", "station"):
                batch.drop_column(name)
