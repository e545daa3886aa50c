"""Calendar arithmetic for verification intervals (months, clamped to the month's last day)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months; 31 Aug + 6 months is 28/29 Feb."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def next_due_date(performed_on: date, interval_months: int) -> date:
    """The date the instrument is due again: the verification date plus the type's interval."""
    return add_months(performed_on, interval_months)


def valid_until(performed_on: date, interval_months: int) -> date:
    """The last day the certificate is valid (有效期至): the day before the next due date."""
    return next_due_date(performed_on, interval_months) - timedelta(days=1)
