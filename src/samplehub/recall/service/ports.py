"""Ports of recall: the issued certificates' validities (a core port the lab implements) and
the reminder log, both repositories of the unit of work (``RecallUnitOfWork``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from samplehub.core.service.notifications import Notice
from samplehub.core.service.ports import IssuedCertificates, UnitOfWork


class ReminderLog(Protocol):
    """Reminders sent, by key; a key is claimed once."""

    def claim(
        self, key: str, certificate: str, notice: Notice, days_before: int, at: datetime
    ) -> bool:
        """Record the reminder as sent; False when the key was already claimed."""

    def release(self, key: str) -> bool:
        """Forget a claim whose sending failed, so the next run tries again; False if none."""

    def keys(self) -> set[str]:
        """Every key claimed."""


class RecallUnitOfWork(UnitOfWork, Protocol):
    @property
    def certificates(self) -> IssuedCertificates: ...
    @property
    def reminders(self) -> ReminderLog: ...
