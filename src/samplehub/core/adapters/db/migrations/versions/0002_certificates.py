"""Certificates issued by the lab.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import create_indexes, drop_indexes

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("sample_id", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_certificates")),
    )
    create_indexes("certificates", "sample_id")


def downgrade() -> None:
    drop_indexes("certificates", "sample_id")
    op.drop_table("certificates")
