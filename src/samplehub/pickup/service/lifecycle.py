"""The sample lifecycle as the pickup use cases need it, over the lead's message bus.

Each call is one ``ApplyTransition`` command, so every move lands in the custody chain in its own
transaction with the usual checks (stage only after the service is completed, and so on).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.service import commands as c
from samplehub.core.service.ports import UnitOfWork

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


def last_storage_slot(uow_factory: Callable[[], UnitOfWork], sample_number: str) -> str | None:
    """The storage slot the sample was last stored in, from its custody records."""
    with uow_factory() as uow:
        records = uow.audit.records(sample_number=sample_number)
    for record in reversed(records):
        if record.event_type != "SampleTransitioned":
            continue
        location = str(json.loads(record.payload).get("location", ""))
        if location.startswith(f"{LocationKind.STORAGE_SLOT.value}:"):
            return location
    return None


class ReturningSampleLifecycle(BusSampleLifecycle):
    """Like ``BusSampleLifecycle``, and an expired pickup ends back in the slot it came from.

    The robot's trip is two custody records: ``expire_pickup`` onto the fleet, then ``store``
    into the slot. A sample with no known slot stays with the fleet for the warehouse to shelve.
    """

    def __init__(
        self,
        handle: Callable[[c.Command], Any],
        uow_factory: Callable[[], UnitOfWork],
        actor: c.Actor = c.SYSTEM,
        return_via: Location = FLEET,
    ) -> None:
        super().__init__(handle, actor, return_via)
        self.uow_factory = uow_factory

    def expire_pickup(self, sample_number: str, reason: str, actor: str) -> None:
        slot = last_storage_slot(self.uow_factory, sample_number)
        super().expire_pickup(sample_number, reason, actor)
        if slot is not None:
            self.handle(
                c.ApplyTransition(
                    self.actor, sample_number, "store", slot, reason="returned after pickup"
                )
            )
