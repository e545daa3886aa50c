"""The sample lifecycle as the pickup handlers need it, inside their unit of work.

Staging, collecting and returning a sample are transitions of the sample applied in the same
transaction as the booking's change, so a booking and its samples never disagree. The
machinery acts as ``system``; the reason names the pickup actor.
"""

from __future__ import annotations

import json
from datetime import datetime

from samplehub.core.domain.errors import NotFound
from samplehub.core.domain.lifecycle import Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.model import Sample
from samplehub.core.service.commands import SYSTEM
from samplehub.core.service.ports import UnitOfWork

FLEET = Location(LocationKind.ROBOT, "fleet")
CUSTOMER = Location(LocationKind.CUSTOMER, "customer")


def stage(uow: UnitOfWork, number: str, location: Location, by: str, at: datetime) -> None:
    _move(_sample(uow, number), Transition.STAGE, location, f"pickup staging by {by}", at)


def collect(uow: UnitOfWork, number: str, by: str, at: datetime) -> None:
    reason = f"collected at the pickup kiosk ({by})"
    _move(_sample(uow, number), Transition.COLLECT, CUSTOMER, reason, at)


def return_to_storage(uow: UnitOfWork, number: str, reason: str, at: datetime) -> None:
    """A staged sample goes back: onto the fleet, then into the slot it came from.

    The robot's trip is two custody records: ``expire_pickup`` onto the fleet, then ``store``
    into the slot. A sample with no known slot stays with the fleet for the warehouse to shelve.
    """
    slot = last_storage_slot(uow, number)
    sample = _sample(uow, number)
    _move(sample, Transition.EXPIRE_PICKUP, FLEET, reason, at)
    if slot is not None:
        _move(sample, Transition.STORE, Location.parse(slot), "returned after pickup", at)


def _move(
    sample: Sample, transition: Transition, location: Location, reason: str, at: datetime
) -> None:
    """The pickup machinery (``system``) moves the sample; ``reason`` names who asked."""
    sample.apply(transition, actor=SYSTEM.username, at=at, location=location, reason=reason)


def last_storage_slot(uow: UnitOfWork, sample_number: str) -> str | None:
    """The storage slot the sample was last stored in, from its custody records."""
    for record in reversed(uow.audit.records(sample_number=sample_number)):
        if record.event_type != "SampleTransitioned":
            continue
        location = str(json.loads(record.payload).get("location", ""))
        if location.startswith(f"{LocationKind.STORAGE_SLOT.value}:"):
            return location
    return None


def _sample(uow: UnitOfWork, number: str) -> Sample:
    sample = uow.samples.get(number)
    if sample is None:
        raise NotFound("sample", number)
    return sample
