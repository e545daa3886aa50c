"""Incidents keep the path of their clip (`lg_incidents.clip_path`): what `create_tables` added
by hand with ALTER TABLE to an incidents table made before clips were kept. Nullable, so every
database adds it in place and the rows already there keep no clip.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("lg_incidents") as batch:
        batch.add_column(sa.Column("clip_path", sa.String(length=512), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lg_incidents") as batch:
        batch.drop_column("clip_path")
