"""Flow figures (流转指标) for staff and the institute's own dashboards: the waits of the
/flow page (pickup preparation, put-away, to the bench) per day in China time, as JSON.

Who may use it (``x-roles``): whoever sees transport tasks (warehouse, lab, approver, admin).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from samplehub.core.domain import flow
from samplehub.core.domain.permissions import Action
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, ServicesDep
from samplehub.web.api.tasks import READERS
from samplehub.web.flow_figures import Asked, days_asked, figures, today_of

router = APIRouter(prefix="/flow", tags=["flow"], dependencies=[allow(Action.TASKS_SEE)])


class SpreadOut(BaseModel):
    n: int = Field(description="How many waits ended")
    p50_s: float | None
    p95_s: float | None = Field(description="Nearest rank: of 20 waits, the 19th shortest")
    max_s: float | None

    @classmethod
    def of(cls, spread: flow.Spread) -> SpreadOut:
        return cls(n=spread.n, p50_s=spread.p50, p95_s=spread.p95, max_s=spread.slowest)


class FiguresOut(BaseModel):
    day: date | None = Field(description="The China day; none for the whole range")
    figures: dict[str, SpreadOut] = Field(description="pickup_prep, put_away, to_bench")
    bookings_late: int = Field(description="Bookings ready only after their window had started")

    @classmethod
    def of(cls, day: date | None, found: flow.Figures) -> FiguresOut:
        spreads = {name: SpreadOut.of(found.spreads[name]) for name in flow.FIGURES}
        return cls(day=day, figures=spreads, bookings_late=found.late)


class FlowOut(BaseModel):
    first: date
    last: date
    total: FiguresOut
    days: list[FiguresOut]


@router.get("", response_model=FlowOut, summary="Flow figures per day", openapi_extra=READERS)
def flow_figures(
    services: ServicesDep, actor: CurrentActor, asked: Annotated[Asked, Depends()]
) -> FlowOut:
    """The days asked (both included; by default the last seven, at most 92): a bad day is a
    422 naming the field, the value and what is allowed."""
    start, end = days_asked(today_of(services), asked.first, asked.last)
    days, total = figures(services, actor, start, end)
    return FlowOut(
        first=start,
        last=end,
        total=FiguresOut.of(None, total),
        days=[FiguresOut.of(day, found) for day, found in days],
    )
