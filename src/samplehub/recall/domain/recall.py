"""Recall: when an instrument is due again, which reminder (30 or 7 days before) is due, and
the custody events of sending one.

Pure rules: the caller passes today's date and what was already sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from samplehub.core.domain.events import Event


def due_date(valid_until: date) -> date:
    """The day the instrument is due again: the day after its certificate's validity ends."""
    return valid_until + timedelta(days=1)


def reminder_due(due: date, today: date, days_before: Sequence[int]) -> int | None:
    """The reminder to send today, or None: the nearest of ``days_before`` whose day has come.

    Only the most urgent reminder goes: a run that first sees an instrument 5 days before it
    is due sends the 7-day reminder, not a belated 30-day one as well. Nothing goes once the
    due date has passed (the instrument is then overdue, a matter for the due list).
    """
    if today >= due:
        return None
    left = (due - today).days
    reached = [days for days in days_before if left <= days]
    return min(reached) if reached else None


def reminder_days(days: Iterable[int]) -> tuple[int, ...]:
    """The reminder days, earliest reminder first and each once: [7, 30, 7] as (30, 7)."""
    return tuple(sorted(set(days), reverse=True))


@dataclass(frozen=True)
class _ReminderEvent(Event):
    """Names the certificate and the channel, never the recipient: the custody chain is kept for
    good, a phone number or address must not be."""

    certificate: str
    sample: str
    channel: str
    days_before: int

    @property
    def sample_number(self) -> str | None:
        return self.sample


@dataclass(frozen=True)
class RecallReminderClaimed(_ReminderEvent):
    """A reminder is being sent (claimed in the reminder log, so it goes out once)."""


@dataclass(frozen=True)
class RecallReminderReleased(_ReminderEvent):
    """Sending a claimed reminder failed; the claim is given up, so the next run tries again."""

    problem: str
