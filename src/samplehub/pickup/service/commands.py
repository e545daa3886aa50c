"""Pickup commands: booking, codes, staging, the kiosk, collection and expiry.

A code never travels in a command: the kiosk's command carries the code's digest, and a
handler that issues a code returns it to the caller, who sends it once the transaction is in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from samplehub.core.domain.locations import Location
from samplehub.core.service.commands import Command
from samplehub.pickup.domain.capacity import CompartmentSize, PickupWindow


@dataclass(frozen=True)
class BookPickup(Command):
    order_number: str
    customer_id: str
    samples: Mapping[str, CompartmentSize]
    window: PickupWindow


@dataclass(frozen=True)
class MovePickup(Command):
    booking_id: str
    window: PickupWindow
    rescheduled: bool = False  # moved by the job (staging late): the customer is told why


@dataclass(frozen=True)
class CancelPickup(Command):
    booking_id: str
    reason: str


@dataclass(frozen=True)
class IssuePickupCode(Command):
    booking_id: str


@dataclass(frozen=True)
class EnterPickupCode(Command):
    kiosk_id: str
    digest: str | None  # None: what was typed cannot be a code
    booking_ref: str | None = None  # the booking a scanned QR names


@dataclass(frozen=True)
class RequestStaging(Command):
    """Make the to-locker task that carries the sample from storage to ``location`` (a
    compartment reserved for it, or the counter)."""

    booking_id: str
    sample: str
    location: Location


@dataclass(frozen=True)
class ConfirmStaged(Command):
    """The sample's to-locker task is confirmed at its compartment (``confirmation``: ``rfid``
    when the cabinet read the tag, ``presence_only`` for the presence bit alone), or a person
    has handed it over at the counter (the task already ``done``): the booking records it."""

    booking_id: str
    sample: str
    task_id: str
    confirmation: str = "none"


@dataclass(frozen=True)
class CompletePickup(Command):
    """Doors closed (or the counter handed over): ``taken`` were collected, ``left`` were not."""

    booking_id: str
    taken: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExpirePickup(Command):
    """Window and grace are over: the booking's staged samples go back to storage."""

    booking_id: str
