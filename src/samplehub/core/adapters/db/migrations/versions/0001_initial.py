"""Initial schema: customers, users, orders, samples, the append-only audit log, counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from samplehub.core.adapters.db.revision_ops import TZ, create_indexes, guard_append_only

revision = "0001"
down_revision = None

# The audit log refuses UPDATE and DELETE at the database itself, not only in the code.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION samplehub_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("sample_number", sa.String(length=24), nullable=True),
        sa.Column("order_number", sa.String(length=24), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index(
        "ix_audit_log_sample_number_seq", "audit_log", ["sample_number", "seq"], unique=False
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_customers_credit_code")),
    )
    op.create_table(
        "orders",
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("service", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_orders_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_orders")),
    )
    create_indexes("orders", "customer_id")
    op.create_table(
        "users",
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=True),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_users_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_users")),
    )
    op.create_table(
        "samples",
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("order_number", sa.String(length=24), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("instrument", sa.JSON(), nullable=False),
        sa.Column("instrument_type", sa.String(length=60), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=True),
        sa.Column("serial_number", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("location", sa.String(length=100), nullable=False),
        sa.Column("epc", sa.String(length=24), nullable=True),
        sa.Column("service_completed", sa.Boolean(), nullable=False),
        sa.Column("held_from", sa.String(length=16), nullable=True),
        sa.Column("hold_reason", sa.String(length=16), nullable=True),
        sa.Column("updated_at", TZ, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_samples_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["order_number"], ["orders.number"], name=op.f("fk_samples_order_number_orders")
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_samples")),
        sa.UniqueConstraint("epc", name=op.f("uq_samples_epc")),
    )
    create_indexes("samples", "customer_id", "order_number", "serial_number", "state")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
    guard_append_only("audit_log")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS samplehub_audit_append_only()")
    for table in ("audit_log", "counters", "users", "samples", "orders", "customers"):
        op.drop_table(table)
