"""Authentication on by default and writes that cannot erase each other: web users
(`lg_users`, Argon2 digests only), one-time terminal enrolment codes (`lg_enrolment_codes`, by
digest), and a version on each incident (`lg_incidents.version`) that every update checks.

Like 0001, it makes only what is missing: a database whose tables were made from this release's
table definitions (`metadata.create_all`) before it had a revision is adopted at 0002 and keeps
what it has.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from laneguard.records.adapters.revision_ops import TZ, existing_columns, existing_tables

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    existing = existing_tables()
    if "lg_users" not in existing:
        _users()
    if "lg_enrolment_codes" not in existing:
        _enrolment_codes()
    if "version" not in existing_columns("lg_incidents"):
        with op.batch_alter_table("lg_incidents") as batch:
            batch.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("0"))
            )


def _users() -> None:
    op.create_table(
        "lg_users",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def _enrolment_codes() -> None:
    op.create_table(
        "lg_enrolment_codes",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("terminal_name", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("digest"),
    )


def downgrade() -> None:
    with op.batch_alter_table("lg_incidents") as batch:
        batch.drop_column("version")
    op.drop_table("lg_enrolment_codes")
    op.drop_table("lg_users")
