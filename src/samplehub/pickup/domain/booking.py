"""Pickup bookings: a customer's appointment to collect some or all samples of an order.

A booking names the samples it covers, so a customer may collect part of an order now and book
the rest later. It carries at most one live code (see ``pickup_codes``), where each sample was
staged, and what was collected. Events never carry a code or its digest.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from samplehub.core.domain.errors import GuardFailed, InvalidValue
from samplehub.core.domain.events import Event
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.messages import Message
from samplehub.pickup.domain.capacity import CompartmentSize, Demand, PickupPolicy, PickupWindow
from samplehub.pickup.domain.codes import CodeState, PickupCode, WrongCodePolicy


def _require_future(window: PickupWindow, at: datetime) -> None:
    if window.start <= at:
        raise InvalidValue(
            "window.start",
            window.start.isoformat(),
            f"after {at.isoformat()}",
            Message("pickup.allowed_future_window"),
        )


@dataclass(frozen=True)
class PickupEvent(Event):
    booking_id: str
    order: str

    @property
    def order_number(self) -> str | None:
        return self.order


@dataclass(frozen=True)
class PickupBooked(PickupEvent):
    samples: list[str]
    window_start: str
    window_end: str


@dataclass(frozen=True)
class PickupMoved(PickupEvent):
    window_start: str
    window_end: str


@dataclass(frozen=True)
class PickupCancelled(PickupEvent):
    reason: str


@dataclass(frozen=True)
class PickupCodeIssued(PickupEvent):
    valid_from: str
    valid_until: str


@dataclass(frozen=True)
class PickupCodeRevoked(PickupEvent):
    reason: str


@dataclass(frozen=True)
class PickupCodeAccepted(PickupEvent):
    kiosk_id: str


@dataclass(frozen=True)
class PickupSamplePlaced(PickupEvent):
    sample: str
    location: str

    @property
    def sample_number(self) -> str | None:
        return self.sample


@dataclass(frozen=True)
class PickupCompleted(PickupEvent):
    collected: list[str]
    left_behind: list[str]


@dataclass(frozen=True)
class PickupExpired(PickupEvent):
    returned: list[str]


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"  # waiting for staging
    STAGED = "staged"  # every sample placed
    COLLECTED = "collected"  # the code was used and the doors closed
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # not collected within the window and grace period


LIVE = frozenset({BookingStatus.BOOKED, BookingStatus.STAGED})


@dataclass
class Booking:
    id: str
    order_number: str
    customer_id: str
    sizes: dict[str, CompartmentSize]  # sample number -> compartment size it needs
    window: PickupWindow
    status: BookingStatus = BookingStatus.BOOKED
    code: PickupCode | None = None
    placements: dict[str, Location] = field(default_factory=dict)
    collected: list[str] = field(default_factory=list)
    left_behind: list[str] = field(default_factory=list)
    booked_at: datetime | None = None  # None: booked before the time was kept
    staged_at: datetime | None = None  # every sample placed, the first time
    version: int = 0  # bumped by the repository on every save: optimistic concurrency
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        id: str,
        order_number: str,
        customer_id: str,
        samples: Mapping[str, CompartmentSize],
        window: PickupWindow,
        actor: str,
        at: datetime,
    ) -> Booking:
        if not samples:
            raise InvalidValue(
                "samples", [], "at least one sample of the order", Message("pickup.allowed_samples")
            )
        _require_future(window, at)
        booking = cls(id, order_number, customer_id, dict(samples), window, booked_at=at)
        booking.events.append(
            PickupBooked(
                actor,
                at,
                id,
                order_number,
                sorted(samples),
                window.start.isoformat(),
                window.end.isoformat(),
            )
        )
        return booking

    @property
    def live(self) -> bool:
        return self.status in LIVE

    def demand(self) -> Demand:
        sizes = tuple(self.sizes[n] for n in sorted(self.sizes))
        return Demand(self.id, self.window, sizes, len(self.sizes) - len(self.placements))

    def _require_live(self, action: str) -> None:
        if not self.live:
            refused = GuardFailed(
                f"booking {self.id}", action, f"the booking is {self.status.value}"
            )
            refused.text = Message("pickup.error_booking_ended", {"booking": self.id})
            raise refused

    def cancel(self, reason: str, actor: str, at: datetime) -> list[str]:
        """Cancel; returns the samples already staged, which must go back to storage."""
        self._require_live("cancel")
        self.status = BookingStatus.CANCELLED
        self._revoke("booking cancelled", actor, at)
        self.events.append(PickupCancelled(actor, at, self.id, self.order_number, reason))
        return sorted(self.placements)

    def move(self, window: PickupWindow, actor: str, at: datetime) -> None:
        """Another window; the old code dies and a new one must be issued."""
        self._require_live("move")
        _require_future(window, at)
        self.window = window
        self._revoke("booking moved", actor, at)
        self.events.append(
            PickupMoved(
                actor,
                at,
                self.id,
                self.order_number,
                window.start.isoformat(),
                window.end.isoformat(),
            )
        )

    def issue_code(self, digest: str, policy: PickupPolicy, actor: str, at: datetime) -> None:
        """Keep ``digest`` as the only live code: valid for the window plus the grace period."""
        self._require_live("issue a code")
        self._revoke("replaced by a new code", actor, at)
        valid_until = self.window.end + policy.grace
        self.code = PickupCode(digest, at, self.window.start, valid_until)
        self.events.append(
            PickupCodeIssued(
                actor,
                at,
                self.id,
                self.order_number,
                self.window.start.isoformat(),
                valid_until.isoformat(),
            )
        )

    def _revoke(self, reason: str, actor: str, at: datetime) -> None:
        if self.code is not None and self.code.live(at):
            self.code.revoked_at, self.code.revoke_reason = at, reason
            self.events.append(PickupCodeRevoked(actor, at, self.id, self.order_number, reason))

    def code_state(self, at: datetime) -> CodeState:
        if self.code is None or not self.live:
            return CodeState.REVOKED
        return self.code.state(at)

    def wrong_try(self, policy: WrongCodePolicy, actor: str, at: datetime) -> bool:
        """Count a wrong code naming this booking; True when it revoked the code."""
        if self.code is None or not self.code.live(at):
            return False
        self.code.wrong_tries += 1
        if self.code.wrong_tries >= policy.booking_limit:
            self._revoke(f"{policy.booking_limit} wrong tries", actor, at)
            return True
        return False

    def place(self, sample: str, location: Location, actor: str, at: datetime) -> None:
        """A sample is in its compartment (RFID confirmed) or on the counter."""
        self._require_live("place a sample")
        if sample not in self.sizes:
            raise InvalidValue("sample", sample, f"one of {', '.join(sorted(self.sizes))}")
        if location.kind not in (LocationKind.LOCKER_COMPARTMENT, LocationKind.COUNTER):
            raise InvalidValue("location.kind", location.kind.value, "locker_compartment, counter")
        self.placements[sample] = location
        if len(self.placements) == len(self.sizes):
            self.status = BookingStatus.STAGED
            self.staged_at = self.staged_at or at
        self.events.append(
            PickupSamplePlaced(actor, at, self.id, self.order_number, sample, str(location))
        )

    def use_code(self, kiosk_id: str, actor: str, at: datetime) -> dict[str, Location]:
        """Spend the code (the caller checked it); returns what to open, sample by sample."""
        if self.code_state(at) is not CodeState.USABLE or self.code is None:
            raise GuardFailed(f"booking {self.id}", "use the code", "the code is not usable")
        self.code.used_at = at
        self.events.append(PickupCodeAccepted(actor, at, self.id, self.order_number, kiosk_id))
        return {s: loc for s, loc in sorted(self.placements.items()) if s not in self.collected}

    def complete(
        self, collected: list[str], left_behind: list[str], actor: str, at: datetime
    ) -> None:
        """Doors closed: ``collected`` were taken; ``left_behind`` are still inside (staff told).
        A sample found left before stays so until it is collected."""
        unknown = sorted(set(collected + left_behind) - set(self.placements))
        if unknown:
            raise InvalidValue("samples", unknown, f"placed samples: {sorted(self.placements)}")
        self.collected = sorted(set(self.collected) | set(collected))
        self.left_behind = sorted((set(self.left_behind) | set(left_behind)) - set(self.collected))
        if not self.left_behind and len(self.collected) == len(self.placements):
            self.status = BookingStatus.COLLECTED
        self.events.append(
            PickupCompleted(
                actor, at, self.id, self.order_number, sorted(collected), self.left_behind
            )
        )

    def overdue(self, policy: PickupPolicy, at: datetime) -> bool:
        return self.live and at > self.window.end + policy.grace

    def expire(self, actor: str, at: datetime) -> list[str]:
        """Window and grace are over: returns the staged samples to send back to storage."""
        self._require_live("expire")
        self.status = BookingStatus.EXPIRED
        self._revoke("not collected in time", actor, at)
        returned = sorted(s for s in self.placements if s not in self.collected)
        self.events.append(PickupExpired(actor, at, self.id, self.order_number, returned))
        return returned
