"""The recall reminder log on the database: the primary key makes a claim happen once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from samplehub.core.adapters.db import tables as t
from samplehub.core.service.notifications import Notice


class SqlReminderLog:
    """Implements ``ReminderLog``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(t.recall_reminders).values(**row))
        except IntegrityError:
            return False
        return True

    def release(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(t.recall_reminders).where(t.recall_reminders.c.key == key))

    def keys(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(t.recall_reminders.c.key)).scalars())


class MemoryReminderLog:
    """The same in a dict, for unit tests."""

    def __init__(self) -> None:
        self.claimed: dict[str, tuple[str, Notice, int, datetime]] = {}

    def claim(
        self, key: str, certificate: str, notice: Notice, days_before: int, at: datetime
    ) -> bool:
        if key in self.claimed:
            return False
        self.claimed[key] = (certificate, notice, days_before, at)
        return True

    def release(self, key: str) -> None:
        self.claimed.pop(key, None)

    def keys(self) -> set[str]:
        return set(self.claimed)
