"""What SampleHub's Alembic revisions share: the time type of their columns, the one-column
indexes named as the naming convention names them, and the triggers that make a table
append-only.

Revisions are history: the schema each one makes must never change, so these helpers must not
either. A revision that needs something else gets a new helper (or writes it out)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)

# the trigger function is made by revision 0001 (it names audit_log whichever table it guards)
PG_APPEND_ONLY = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION samplehub_audit_append_only();
"""
SQLITE_REFUSE = """CREATE TRIGGER {table}_no_{word} BEFORE {statement} ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only: {statement} refused'); END"""


def create_indexes(table: str, *columns: str) -> None:
    """One index on each of ``columns``, named ``ix_<table>_<column>``."""
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def drop_indexes(table: str, *columns: str) -> None:
    """Drop what ``create_indexes(table, *columns)`` made."""
    for column in columns:
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)


def guard_append_only(table: str) -> None:
    """The database itself refuses UPDATE and DELETE on ``table``, not only the code."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_APPEND_ONLY.format(table=table))
    elif dialect == "sqlite":
        for statement in ("UPDATE", "DELETE"):
            op.execute(
                SQLITE_REFUSE.format(table=table, statement=statement, word=statement.lower())
            )
