"""How long a sample is expected to stay in its slot, estimated from its order.

Dwell-time slotting puts short stays near the exits and long stays deep; the estimate is kept
with the slot choice (on the transport task) so it can be checked against the real stay later.

The estimate, in days:

* Waiting for the lab (service not completed yet): the lab works the queue at
  ``lab_per_day`` samples a day, so a sample waits ``queue_ahead / lab_per_day`` days; it must
  be on the bench ``bench_days`` (verification 1, calibration 2) before the order's due date,
  so the wait is at most ``due - now - bench_days``. At least ``MIN_DAYS``.
* Waiting for collection (service completed): until the booked pickup window starts (less the
  staging lead), or ``collect_days`` without a booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DAY_S = 86400.0
MIN_DAYS = 0.25
BENCH_DAYS = {"verification": 1.0, "calibration": 2.0}


@dataclass(frozen=True)
class DwellBasis:
    """What the order tells about the sample's stay."""

    service: str
    service_completed: bool
    queue_ahead: int  # samples waiting for the lab before this one
    due: datetime | None  # the order's promised date
    pickup_at: datetime | None  # start of the booked pickup window, if any


@dataclass(frozen=True)
class DwellRules:
    lab_per_day: float = 40.0
    collect_days: float = 5.0
    staging_lead_h: float = 2.0


def expected_dwell_s(basis: DwellBasis, now: datetime, rules: DwellRules) -> tuple[float, str]:
    """Seconds the sample is expected to stay, and how that was worked out."""
    if basis.service_completed:
        if basis.pickup_at is not None:
            days = (basis.pickup_at - now).total_seconds() / DAY_S - rules.staging_lead_h / 24
            why = f"pickup booked for {basis.pickup_at.isoformat()}"
        else:
            days, why = rules.collect_days, "no pickup booked yet"
    else:
        days = basis.queue_ahead / rules.lab_per_day
        why = f"{basis.queue_ahead} ahead in the lab queue at {rules.lab_per_day:g} a day"
        if basis.due is not None:
            latest = (basis.due - now).total_seconds() / DAY_S - BENCH_DAYS.get(basis.service, 1)
            if latest < days:
                days, why = latest, f"{basis.service} due {basis.due.date().isoformat()}"
    return max(days, MIN_DAYS) * DAY_S, why
