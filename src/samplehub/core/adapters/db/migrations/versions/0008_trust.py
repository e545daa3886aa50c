"""Trust anyone can check: the anchor log of the custody chain (append-only, like the chain)
and an unguessable verification token per certificate (what its QR code carries).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import guard_append_only

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "audit_anchors",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_audit_anchors")),
    )
    guard_append_only("audit_anchors")
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("verify_token", sa.String(length=32), nullable=True))
        batch.create_unique_constraint(op.f("uq_certificates_verify_token"), ["verify_token"])
    certificates = sa.table(
        "certificates", sa.column("number", sa.String), sa.column("verify_token", sa.String)
    )
    for (number,) in bind.execute(sa.select(certificates.c.number)).all():
        bind.execute(
            certificates.update()
            .where(certificates.c.number == number)
            .values(verify_token=secrets.token_urlsafe(16))
        )


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.drop_constraint(op.f("uq_certificates_verify_token"), type_="unique")
        batch.drop_column("verify_token")
    op.drop_table("audit_anchors")
