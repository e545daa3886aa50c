"""The flow figures of the running records for the days asked (``core/domain/flow.py``): what
the /flow page and ``GET /api/flow`` both show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fastapi import Query

from samplehub.app.services import Services
from samplehub.core.domain import flow
from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.messages import Message
from samplehub.core.service import task_queries
from samplehub.core.service.commands import Actor
from samplehub.pickup.service import queries as pickup_queries
from samplehub.web.i18n import SHANGHAI

DEFAULT_DAYS = 7
MOST_DAYS = 92


@dataclass(frozen=True)
class Asked:
    """The days a visitor asked for, as typed (``?from=…&to=…``)."""

    first: str | None = Query(None, alias="from", description="First day, YYYY-MM-DD")
    last: str | None = Query(None, alias="to", description="Last day (default today)")


def _day(field: str, value: str | None, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(field, value, "a date YYYY-MM-DD", Message("web.allowed_date")) from None


def days_asked(today: date, first: str | None, last: str | None) -> tuple[date, date]:
    """The days ``from``–``to`` (both included): by default the seven days up to ``today``."""
    end = _day("to", last, today)
    start = _day("from", first, end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise InvalidValue(
            "from", start.isoformat(), f"a day on or before {end}", Message("web.allowed_from")
        )
    if (end - start).days >= MOST_DAYS:
        raise InvalidValue(
            "to", end.isoformat(), f"at most {MOST_DAYS} days from {start}",
            Message("web.allowed_days", {"n": MOST_DAYS}),
        )  # fmt: skip
    return start, end


def figures(
    services: Services, actor: Actor, start: date, end: date
) -> tuple[list[tuple[date, flow.Figures]], flow.Figures]:
    """Each day's figures and the whole range's."""
    since = datetime.combine(start, time(0), SHANGHAI)
    until = datetime.combine(end + timedelta(days=1), time(0), SHANGHAI)
    waits = task_queries.waits(services.uow_factory, actor, since, until)
    waits += pickup_queries.prep_waits(services.uow_factory, actor, since, until)
    return flow.by_day(waits, start, end, SHANGHAI), flow.Figures.of(waits)


def today_of(services: Services) -> date:
    """Today in China."""
    return services.clock.now().astimezone(SHANGHAI).date()
