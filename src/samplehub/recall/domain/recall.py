"""Recall: when an instrument is due again, and which reminder (30 or 7 days before) is due.

Pure rules: the caller passes today's date and what was already sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta


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


def parse_days(text: str) -> tuple[int, ...]:
    """``"30,7"`` as (30, 7); each a whole number of days from 1 to 366."""
    days = []
    for part in (p.strip() for p in text.split(",")):
        if not part.isdigit() or not 1 <= int(part) <= 366:
            raise ValueError(f"recall reminder day {part!r} is not a whole number from 1 to 366")
        days.append(int(part))
    return tuple(sorted(set(days), reverse=True))
