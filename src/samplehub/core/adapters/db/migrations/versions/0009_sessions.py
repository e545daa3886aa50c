"""Sessions that really end: logins and failed-login counts in the database (every worker and
every restart sees a logout, a revoked token, a disabled user); pickup wrong-code counters
incremented in place.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import TZ, create_indexes, drop_indexes

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.create_table(
        "auth_sessions",
        sa.Column("sid", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("sid", name=op.f("pk_auth_sessions")),
    )
    create_indexes("auth_sessions", "username")
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"], unique=False)
    op.create_table(
        "pickup_wrong_counts",
        sa.Column("bucket", sa.String(length=120), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("window_end", TZ, nullable=False),
        sa.PrimaryKeyConstraint("bucket", name=op.f("pk_pickup_wrong_counts")),
    )


def downgrade() -> None:
    op.drop_table("pickup_wrong_counts")
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")
    drop_indexes("auth_sessions", "username")
    op.drop_table("auth_sessions")
