"""What the pickup pages, the CLI and the background job are given: the use cases' ports and
the few extras around them (the loader, a QR renderer, the demo's notice list).

Built by ``samplehub.app.wiring.pickup.pickup_app``; entrypoints never choose an adapter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from samplehub.core.service.commands import Actor
from samplehub.core.service.notifications import Notice
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import CompartmentSize
from samplehub.pickup.service.bookings import PickupDeps
from samplehub.pickup.service.jobs import JobReport, run_due
from samplehub.pickup.service.notify import CapturingNotifier
from samplehub.pickup.service.ports import SampleLoader


def _nothing() -> None:
    """Nothing to release."""


@dataclass
class PickupApp:
    deps: PickupDeps
    loader: SampleLoader
    qr_svg: Callable[[str], str]  # the QR of a text as an SVG document
    default_size: CompartmentSize = CompartmentSize.M
    notices: Callable[[], list[Notice]] | None = None  # demo only: what was sent, newest first
    close: Callable[[], None] = _nothing

    def run_due(self) -> JobReport:
        return run_due(self.deps, self.loader)

    def capturing(self) -> tuple[PickupDeps, CapturingNotifier]:
        """The ports with a notifier that also keeps the code, for the one page that shows it."""
        notifier = CapturingNotifier(self.deps.notifier)
        return dataclasses.replace(self.deps, notifier=notifier), notifier

    def bookings_of(self, actor: Actor) -> list[Booking]:
        """Live bookings the actor may see (staff: all)."""
        live = self.deps.bookings.live()
        return [b for b in live if actor.is_staff or b.customer_id == actor.customer_id]
