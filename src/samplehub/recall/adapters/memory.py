"""The recall reminder log in the memory store, for unit tests (rolled back with its unit of
work like the database one)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from samplehub.core.adapters.memory import MemoryRepository
from samplehub.core.service.notifications import Notice


class MemoryReminderLog(MemoryRepository):
    """Implements ``ReminderLog``."""

    @property
    def claimed(self) -> dict[str, Any]:
        return self.store.table("recall_reminders")

    def claim(
        self, key: str, certificate: str, notice: Notice, days_before: int, at: datetime
    ) -> bool:
        if key in self.claimed:
            return False
        self.claimed[key] = (certificate, notice, days_before, at)
        return True

    def release(self, key: str) -> bool:
        return self.claimed.pop(key, None) is not None

    def keys(self) -> set[str]:
        return set(self.claimed)
