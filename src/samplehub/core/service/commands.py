"""Commands: what a caller asks the system to do. Each carries the acting user."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
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
        """People of the institute; the kiosk is a device and a customer is not staff."""
        return self.role not in (Role.CUSTOMER, Role.KIOSK)

    @property
    def moves_any_sample(self) -> bool:
        """Staff, and the kiosk device that receives or hands out the sample in front of it
        (its routes reach a sample only through an order it was shown, or a pickup code)."""
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
    password: str = field(repr=False)
    role: str
    customer_id: str | None = None
    display_name: str = ""
    enforce_policy: bool = True  # only the demo seed turns this off, for its published logins


@dataclass(frozen=True)
class ChangeUser(Command):
    """Disable or enable a user, or give them another role (admin only)."""

    username: str
    role: str | None = None
    active: bool | None = None


@dataclass(frozen=True)
class SetPassword(Command):
    """A new password: one's own (a person, not a device login, giving the current one too),
    or anyone's, reset by an admin."""

    username: str
    password: str = field(repr=False)
    current_password: str | None = field(default=None, repr=False)


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


@dataclass(frozen=True)
class RequestTransport(Command):
    """Ask for a sample to be carried to ``target`` (``storage_slot:*``: a slot storage picks)."""

    sample_number: str
    kind: str
    target: str
    priority: int = 0
    deadline: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class AdvanceTask(Command):
    """A carrier reports the next step of a task: ``assigned``, ``picking``, ``carrying``
    (picked up), ``delivered`` (at ``place``, or the task's target) or ``done``."""

    task_id: str
    to: str
    carrier: str | None = None
    place: str | None = None
    confirmation: str | None = None


@dataclass(frozen=True)
class ReleaseTask(Command):
    """The carrier gives an unpicked task back (offline, refused); it is retried or fails."""

    task_id: str
    reason: str


@dataclass(frozen=True)
class FailTask(Command):
    """The move could not be made; the sample is put on hold for staff."""

    task_id: str
    reason: str


@dataclass(frozen=True)
class AlertStaff(Command):
    """Something needs a person (a robot on an emergency stop, two robots on one node, a nightly
    backup that failed): the staff recipients are told, in zh-CN and English (``message``: a
    catalogue id)."""

    kind: str
    message: str
    details: Mapping[str, str]


@dataclass(frozen=True)
class CancelTask(Command):
    task_id: str
    reason: str


@dataclass(frozen=True)
class RerouteTask(Command):
    task_id: str
    target: str
    reason: str


@dataclass(frozen=True)
class ScanPickUp(Command):
    """A person at the source scans (or types) the sample's label or tag: the task is theirs
    (claimed now if nobody had it) and the sample is with them (``carrying``)."""

    task_id: str
    scanned: str


@dataclass(frozen=True)
class ScanDelivery(Command):
    """A person at the target scans the sample again (and, for a storage task, the slot they
    put it in): ``delivered``, then ``done`` confirmed by ``scan`` (a locker compartment
    confirms itself, by its reader)."""

    task_id: str
    scanned: str
    place: str | None = None
