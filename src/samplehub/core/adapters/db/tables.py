"""Table definitions (SQLAlchemy Core). Rows are translated to domain objects in repositories."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

customers = Table(
    "customers",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("credit_code", String(18), nullable=False, unique=True),
    Column("contacts", JSON, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("username", String(32), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("customer_id", String(32), ForeignKey("customers.id"), nullable=True),
    Column("display_name", String(80), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
)

orders = Table(
    "orders",
    metadata,
    Column("number", String(24), primary_key=True),
    Column("customer_id", String(32), ForeignKey("customers.id"), nullable=False, index=True),
    Column("service", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("items", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

samples = Table(
    "samples",
    metadata,
    Column("number", String(24), primary_key=True),
    Column("order_number", String(24), ForeignKey("orders.number"), nullable=False, index=True),
    Column("customer_id", String(32), ForeignKey("customers.id"), nullable=False, index=True),
    Column("instrument", JSON, nullable=False),
    Column("instrument_type", String(60), nullable=False),
    Column("model", String(80), nullable=True),
    Column("serial_number", String(80), nullable=True, index=True),
    Column("state", String(16), nullable=False, index=True),
    Column("location", String(100), nullable=False),
    Column("epc", String(24), nullable=True, unique=True),
    Column("epc_uri", String(64), nullable=True),
    Column("service_completed", Boolean, nullable=False, default=False),
    Column("held_from", String(16), nullable=True),
    Column("hold_reason", String(16), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False, default=1),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("sample_number", String(24), nullable=True),
    Column("order_number", String(24), nullable=True),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_audit_log_sample_number_seq", "sample_number", "seq"),
)

audit_anchors = Table(
    "audit_anchors",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(128), nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
)

certificates = Table(
    "certificates",
    metadata,
    Column("number", String(24), primary_key=True),
    Column("sample_id", String(24), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("content", Text, nullable=False),  # canonical JSON of the content; frozen once approved
    Column("body", Text, nullable=False),  # the whole certificate (codec JSON)
    Column("version", Integer, nullable=False),
    # what the QR code on the PDF carries: /verify/<token> (128 random bits, never the number)
    Column("verify_token", String(32), nullable=True, unique=True),
)

recall_reminders = Table(
    "recall_reminders",
    metadata,
    Column("key", String(200), primary_key=True),  # recall:CERT:DAYS:CHANNEL:RECIPIENT
    Column("certificate", String(24), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(120), nullable=False),
    Column("days_before", Integer, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

transport_tasks = Table(
    "transport_tasks",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("sample_number", String(24), ForeignKey("samples.number"), nullable=False, index=True),
    Column("order_number", String(24), nullable=False),
    Column("source", String(100), nullable=False),
    Column("target", String(100), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("deadline", DateTime(timezone=True), nullable=True),
    Column("state", String(16), nullable=False, index=True),
    Column("carrier", String(64), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("reason", String(200), nullable=True),
    Column("confirmation", String(16), nullable=True),
    Column("estimate", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    Column("version", Integer, nullable=False),
)

# logins: the signed token carries the id; a logout or a disabled user ends it in every worker
auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("sid", String(32), primary_key=True),
    Column("username", String(32), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# failed logins per user and per address, counted over a sliding window by every worker
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failures_key_at", "key", "at"),
)

# notices waiting for delivery (core.domain.outbox); the body is sealed (AES-GCM) and wiped
# once delivered or given up
notice_outbox = Table(
    "notice_outbox",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(200), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=True),
    Column("key", String(300), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_error", String(300), nullable=True),
    Index("ix_notice_outbox_status_next", "status", "next_attempt_at"),
)
