"""The recall reminder log on the database: the primary key makes a claim happen once.

It works on the unit of work's connection. A claim is ``INSERT ... ON CONFLICT DO NOTHING
... RETURNING``
(SQLite and PostgreSQL alike), so a key claimed before, even by a run at the same moment,
answers False without failing the transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from samplehub.core.adapters.db import tables as t
from samplehub.core.service.notifications import Notice

R = t.recall_reminders


class SqlReminderLog:
    """Implements ``ReminderLog``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def claim(
        self, key: str, certificate: str, notice: Notice, days_before: int, at: datetime
    ) -> bool:
        row = {
            "key": key,
            "certificate": certificate,
            "channel": notice.channel.value,
            "recipient": notice.recipient,
            "days_before": days_before,
            "sent_at": at,
        }
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(R).values(**row).on_conflict_do_nothing(index_elements=["key"])
        return self.conn.execute(statement.returning(R.c.key)).first() is not None

    def release(self, key: str) -> bool:
        return self.conn.execute(delete(R).where(R.c.key == key)).rowcount == 1

    def keys(self) -> set[str]:
        return set(self.conn.execute(select(R.c.key)).scalars())
