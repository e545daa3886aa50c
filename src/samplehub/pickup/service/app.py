"""What the pickup pages, the CLI and the background job are given: the use cases' ports and
the few extras around them (the loader, a QR renderer, the outbox's delivery status).

Built by ``samplehub.app.wiring.pickup.pickup_app``; entrypoints never choose an adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from samplehub.core.domain.outbox import OutboxMessage
from samplehub.core.service.commands import Actor
from samplehub.core.service.delivery import DeliveryReport
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import CompartmentSize
from samplehub.pickup.service.bookings import PickupDeps, due_for_staging
from samplehub.pickup.service.jobs import JobReport, run_due
from samplehub.pickup.service.ports import SampleLoader


def _nothing() -> None:
    """Nothing to release."""


@dataclass
class PickupApp:
    deps: PickupDeps
    loader: SampleLoader
    qr_svg: Callable[[str], str]  # the QR of a text as an SVG document
    default_size: CompartmentSize = CompartmentSize.M
    # the newest outbox notices without their bodies (kind, masked recipient, status): staff
    # see delivery status, never a code
    outbox: Callable[[], list[OutboxMessage]] | None = None
    close: Callable[[], None] = _nothing
    deliver: Callable[[], DeliveryReport] = DeliveryReport  # one delivery round of the outbox

    def run_due(self) -> JobReport:
        return run_due(self.deps, self.loader)

    def staging(self) -> bool:
        """Whether some booking's staging is due and not finished (its samples on their way)."""
        return bool(due_for_staging(self.deps))

    def bookings_of(self, actor: Actor) -> list[Booking]:
        """Live bookings the actor may see (staff: all)."""
        live = self.deps.bookings.live()
        return [b for b in live if actor.is_staff or b.customer_id == actor.customer_id]
