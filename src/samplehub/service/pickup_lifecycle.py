"""The sample lifecycle as the pickup use cases need it, over the lead's message bus.

Each call is one ``ApplyTransition`` command, so every move lands in the custody chain in its own
transaction with the usual checks (stage only after the service is completed, and so on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samplehub.domain.locations import Location, LocationKind
from samplehub.service import commands as c

FLEET = Location(LocationKind.ROBOT, "fleet")


class BusSampleLifecycle:
    """Implements ``SampleLifecycle``; ``handle`` is ``MessageBus.handle``."""

    def __init__(
        self,
        handle: Callable[[c.Command], Any],
        actor: c.Actor = c.SYSTEM,
        return_via: Location = FLEET,
    ) -> None:
        self.handle = handle
        self.actor = actor
        self.return_via = return_via

    def stage(self, sample_number: str, location: Location, actor: str) -> None:
        self.handle(
            c.ApplyTransition(
                self.actor,
                sample_number,
                "stage",
                str(location),
                reason=f"pickup staging by {actor}",
            )
        )

    def collect(self, sample_number: str, actor: str) -> None:
        customer = Location(LocationKind.CUSTOMER, "customer")
        self.handle(
            c.ApplyTransition(
                self.actor,
                sample_number,
                "collect",
                str(customer),
                reason=f"collected at the pickup kiosk ({actor})",
            )
        )

    def expire_pickup(self, sample_number: str, reason: str, actor: str) -> None:
        self.handle(
            c.ApplyTransition(
                self.actor, sample_number, "expire_pickup", str(self.return_via), reason=reason
            )
        )
