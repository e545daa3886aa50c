"""Entities of SampleHub: customers, users, orders (委托单) and samples (样品).

Aggregates record the events they cause in ``self.events``; the unit of work appends them to
the custody chain when it commits.
"""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

from samplehub.core.domain import lifecycle
from samplehub.core.domain.credit_code import validate_credit_code
from samplehub.core.domain.errors import GuardFailed, IllegalTransition, InvalidValue
from samplehub.core.domain.events import (
    CustomerRegistered,
    Event,
    OrderCreated,
    PasswordSet,
    SampleRegistered,
    SampleTransitioned,
    UserChanged,
    UserCreated,
)
from samplehub.core.domain.fields import EMAIL, PHONE, enum_value, item_quantity, text_field

# records stored before Instrument moved to its own module name it here (the codec decodes them)
from samplehub.core.domain.instrument import Instrument as Instrument
from samplehub.core.domain.lifecycle import HoldReason, SampleState, Transition
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.messages import Message


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    KIOSK = "kiosk"
    LAB = "lab"
    APPROVER = "approver"  # lab staff who may also approve (批准) certificates
    WAREHOUSE = "warehouse"
    ADMIN = "admin"

    @classmethod
    def parse(cls, value: object) -> Role:
        return enum_value(cls, "role", value)


class Service(enum.StrEnum):
    VERIFICATION = "verification"  # 检定
    CALIBRATION = "calibration"  # 校准

    @classmethod
    def parse(cls, value: object) -> Service:
        return enum_value(cls, "service", value)


class Channel(enum.StrEnum):
    ONLINE = "online"
    KIOSK = "kiosk"


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str | None = None  # where recall reminders go

    def __post_init__(self) -> None:
        text_field("contact.name", self.name, 40)
        if not PHONE.match(self.phone):
            raise InvalidValue(
                "contact.phone",
                self.phone,
                "a phone number of 6 to 20 digits",
                Message("core.allowed_phone"),
            )
        if self.email is not None and (len(self.email) > 120 or not EMAIL.match(self.email)):
            raise InvalidValue("contact.email", self.email, "an email address such as a@b.cn")


@dataclass
class Customer:
    """A company that sends instruments in."""

    id: str
    name: str
    credit_code: str
    contacts: list[Contact] = field(default_factory=list)
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(
        cls, id: str, name: str, credit_code: str, contacts: list[Contact], actor: str, at: datetime
    ) -> Customer:
        customer = cls(
            id=id,
            name=text_field("name", name, 120) or "",
            credit_code=validate_credit_code(credit_code),
            contacts=list(contacts),
        )
        customer.events.append(
            CustomerRegistered(actor, at, id, customer.name, customer.credit_code)
        )
        return customer


@dataclass
class User:
    """A person or device that logs in. Customer users belong to one company; staff to none."""

    username: str
    role: Role
    password_hash: str
    customer_id: str | None = None
    display_name: str = ""
    active: bool = True
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,31}", self.username):
            raise InvalidValue(
                "username", self.username, "2-32 of a-z, 0-9, '.', '_', '-', starting alphanumeric"
            )
        if self.role is Role.CUSTOMER and not self.customer_id:
            raise InvalidValue("customer_id", self.customer_id, "a customer id for role customer")
        if self.role is not Role.CUSTOMER and self.customer_id:
            raise InvalidValue("customer_id", self.customer_id, "empty for institute staff roles")

    @classmethod
    def create(
        cls,
        username: str,
        role: Role,
        password_hash: str,
        customer_id: str | None,
        display_name: str,
        actor: str,
        at: datetime,
    ) -> User:
        user = cls(username, role, password_hash, customer_id, display_name.strip())
        user.events.append(UserCreated(actor, at, username, role.value, customer_id))
        return user

    @property
    def is_staff(self) -> bool:
        """People of the institute; the kiosk is a device and a customer is not staff."""
        return self.role not in (Role.CUSTOMER, Role.KIOSK)

    def change(self, role: Role | None, active: bool | None, actor: str, at: datetime) -> None:
        """A new role (staff roles only: a customer stays their company's) or access."""
        if role is not None and (role is Role.CUSTOMER) != (self.role is Role.CUSTOMER):
            allowed = "a customer role for a customer" if self.customer_id else "a staff role"
            raise InvalidValue("role", role.value, allowed)
        self.role = role or self.role
        self.active = self.active if active is None else active
        self.events.append(UserChanged(actor, at, self.username, self.role.value, self.active))

    def set_password(self, password_hash: str, actor: str, at: datetime) -> None:
        """A new password (its hash): changed by the user, or reset by an admin."""
        self.password_hash = password_hash
        self.events.append(PasswordSet(actor, at, self.username, actor != self.username))

    def can_see(self, customer_id: str) -> bool:
        """Tenant isolation: customers see their own company only; staff see every company."""
        return self.is_staff or self.customer_id == customer_id


@dataclass(frozen=True)
class OrderItem:
    """An instrument the customer says they will hand in."""

    instrument_type: str
    model: str | None = None
    serial_number: str | None = None
    quantity: int = 1

    def __post_init__(self) -> None:
        text_field("items.instrument_type", self.instrument_type, 60)
        text_field("items.model", self.model, 60, required=False)
        text_field("items.serial_number", self.serial_number, 60, required=False)
        item_quantity(self.quantity, self.serial_number)


@dataclass
class Order:
    """委托单: a customer's request to verify or calibrate instruments."""

    number: str
    customer_id: str
    service: Service
    channel: Channel
    items: list[OrderItem]
    created_at: datetime
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        number: str,
        customer_id: str,
        service: Service,
        channel: Channel,
        items: list[OrderItem],
        actor: str,
        at: datetime,
    ) -> Order:
        if not items:
            none = Message("core.allowed_at_least_one_item")
            raise InvalidValue("items", items, "at least one item", none)
        if len(items) > 200:
            many = Message("core.allowed_at_most_items", {"count": 200})
            raise InvalidValue("items", f"{len(items)} items", "at most 200 items", many)
        order = cls(number, customer_id, service, channel, list(items), at)
        order.events.append(
            OrderCreated(
                actor,
                at,
                number,
                customer_id,
                service.value,
                channel.value,
                [asdict(i) for i in items],
            )
        )
        return order


@dataclass
class Sample:
    """样品: one instrument handed in, moving through its lifecycle."""

    number: str
    order_number: str
    customer_id: str
    instrument: Instrument
    state: SampleState = SampleState.REGISTERED
    location: Location = field(default_factory=lambda: Location(LocationKind.CUSTOMER, "customer"))
    epc: str | None = None
    epc_uri: str | None = None  # the EPC's pure-identity URI (urn:epc:id:giai:...)
    service_completed: bool = False
    held_from: SampleState | None = None
    hold_reason: HoldReason | None = None
    updated_at: datetime | None = None
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(
        cls,
        number: str,
        order_number: str,
        customer_id: str,
        instrument: Instrument,
        actor: str,
        at: datetime,
    ) -> Sample:
        sample = cls(number, order_number, customer_id, instrument, updated_at=at)
        sample.location = Location(LocationKind.CUSTOMER, customer_id)
        sample.events.append(
            SampleRegistered(actor, at, number, order_number, customer_id, instrument.to_dict())
        )
        return sample

    def allowed(self) -> frozenset[Transition]:
        return lifecycle.allowed_transitions(self.state)

    def apply(
        self,
        transition: Transition,
        *,
        actor: str,
        at: datetime,
        location: Location | None = None,
        reason: str | None = None,
        hold_reason: HoldReason | None = None,
    ) -> SampleTransitioned:
        """Move the sample through ``transition``; raise, changing nothing, if not allowed."""
        rule = lifecycle.RULES[transition]
        if self.state not in rule.sources:
            raise IllegalTransition(
                self.number, transition.value, self.state.value, (t.value for t in self.allowed())
            )
        self._check_guards(transition, rule, location, reason, hold_reason)
        target = rule.target if rule.target is not None else self.held_from
        assert target is not None  # release is only allowed from on_hold, which sets held_from
        before = self.state
        if transition is Transition.HOLD:
            self.held_from, self.hold_reason = self.state, hold_reason
        elif transition is Transition.RELEASE:
            self.held_from, self.hold_reason = None, None
        if transition is Transition.COMPLETE_SERVICE:
            self.service_completed = True
        self.state = target
        if location is not None:
            self.location = location
        self.updated_at = at
        event = SampleTransitioned(
            actor,
            at,
            self.number,
            self.order_number,
            transition.value,
            before.value,
            target.value,
            str(self.location),
            reason,
        )
        self.events.append(event)
        return event

    def _check_guards(
        self,
        transition: Transition,
        rule: lifecycle.Rule,
        location: Location | None,
        reason: str | None,
        hold_reason: HoldReason | None,
    ) -> None:
        if rule.locations:
            if location is None:
                kinds = ", ".join(sorted(k.value for k in rule.locations))
                raise GuardFailed(
                    self.number, transition.value, f"a location is required ({kinds})"
                )
            if location.kind not in rule.locations:
                kinds = ", ".join(sorted(k.value for k in rule.locations))
                raise GuardFailed(
                    self.number,
                    transition.value,
                    f"location kind {location.kind.value} not allowed; allowed: {kinds}",
                )
        elif location is not None and transition is Transition.COMPLETE_SERVICE:
            raise GuardFailed(self.number, transition.value, "the sample does not move")
        if rule.needs_reason and not (reason and reason.strip()):
            raise GuardFailed(self.number, transition.value, "a reason is required")
        if transition is Transition.HOLD and hold_reason is None:
            allowed = ", ".join(r.value for r in HoldReason)
            raise GuardFailed(
                self.number, transition.value, f"a hold reason is required ({allowed})"
            )
        if transition is Transition.STAGE and not self.service_completed:
            raise GuardFailed(self.number, transition.value, "the service is not completed yet")
