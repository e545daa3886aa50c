"""Domain events. Each is appended to the custody chain in the same transaction as the change."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Event:
    actor: str
    at: datetime

    @property
    def type(self) -> str:
        return type(self).__name__

    def payload(self) -> dict[str, Any]:
        """The event's own fields (everything but actor and time), as JSON-ready values."""
        data = asdict(self)
        data.pop("actor")
        data.pop("at")
        return data

    @property
    def sample_number(self) -> str | None:
        return None

    @property
    def order_number(self) -> str | None:
        return None


@dataclass(frozen=True)
class CustomerRegistered(Event):
    customer_id: str
    name: str
    credit_code: str


@dataclass(frozen=True)
class UserCreated(Event):
    username: str
    role: str
    customer_id: str | None


@dataclass(frozen=True)
class PasswordSet(Event):
    """A user's password was changed by the user (``reset`` false) or set anew by an admin; the
    record names who did it, never the password or its hash."""

    username: str
    reset: bool


@dataclass(frozen=True)
class UserChanged(Event):
    """A user's role or access changed; their sessions see it on their next request."""

    username: str
    role: str
    active: bool


@dataclass(frozen=True)
class OrderCreated(Event):
    number: str
    customer_id: str
    service: str
    channel: str
    items: list[dict[str, Any]]

    @property
    def order_number(self) -> str | None:
        return self.number


class NamesItsSample:
    """For events whose ``number`` and ``order`` fields name their sample and its order."""

    number: str
    order: str

    @property
    def sample_number(self) -> str | None:
        return self.number

    @property
    def order_number(self) -> str | None:
        return self.order


@dataclass(frozen=True)
class SampleEvent(NamesItsSample, Event):
    """An event about one sample: its ``number`` and the ``order`` it came in with."""

    number: str
    order: str


@dataclass(frozen=True)
class SampleRegistered(SampleEvent):
    customer_id: str
    instrument: dict[str, Any]


@dataclass(frozen=True)
class SampleTransitioned(SampleEvent):
    transition: str
    from_state: str
    to_state: str
    location: str
    reason: str | None
