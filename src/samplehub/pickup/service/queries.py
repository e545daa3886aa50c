"""Read side of pickup bookings for staff: the pickup preparation wait of the flow figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from samplehub.core.domain.flow import Wait
from samplehub.core.service.commands import Actor
from samplehub.core.service.task_queries import check
from samplehub.pickup.service.ports import PickupUnitOfWork


def prep_waits(
    uow_factory: Callable[[], PickupUnitOfWork], actor: Actor, start: datetime, end: datetime
) -> list[Wait]:
    """Booking made → every sample placed, for the bookings ready from ``start`` (included)
    to ``end``; late when ready only after the booked window had started. A booking made
    before its time was kept is left out."""
    check(actor)
    with uow_factory() as uow:
        staged = uow.bookings.staged_between(start, end)
    return [
        Wait("pickup_prep", b.booked_at, b.staged_at, late=b.staged_at > b.window.start)
        for b in staged
        if b.booked_at is not None and b.staged_at is not None
    ]
