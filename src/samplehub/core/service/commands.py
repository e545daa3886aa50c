"""Commands: what a caller asks the system to do. Each carries the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samplehub.core.domain.model import Role


@dataclass(frozen=True)
class Actor:
    """Who asks: a logged-in user or device, with what it may see."""

    username: str
    role: Role
    customer_id: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role is not Role.CUSTOMER


SYSTEM = Actor("system", Role.ADMIN)


@dataclass(frozen=True)
class Command:
    actor: Actor


@dataclass(frozen=True)
class RegisterCustomer(Command):
    name: str
    credit_code: str
    # (name, phone) or (name, phone, email)
    contacts: list[tuple[str, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class CreateUser(Command):
    username: str
    password: str
    role: str
    customer_id: str | None = None
    display_name: str = ""
    enforce_policy: bool = True  # only the demo seed turns this off, for its published logins


@dataclass(frozen=True)
class CreateOrder(Command):
    customer_id: str
    service: str
    items: list[dict[str, Any]]
    channel: str = "online"


@dataclass(frozen=True)
class RegisterSample(Command):
    order_number: str
    instrument: dict[str, Any]


@dataclass(frozen=True)
class ApplyTransition(Command):
    sample_number: str
    transition: str
    location: str | None = None
    reason: str | None = None
    hold_reason: str | None = None
