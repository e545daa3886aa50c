"""Certificates issued by the lab.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


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
    op.create_index(op.f("ix_certificates_sample_id"), "certificates", ["sample_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_certificates_sample_id"), table_name="certificates")
    op.drop_table("certificates")
