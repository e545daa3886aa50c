"""Command handlers: load, ask the domain, commit. Any error leaves the database as it was."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from samplehub.core.domain import permissions, reasons
from samplehub.core.domain.errors import AlreadyExists, Forbidden, InvalidValue, NotFound
from samplehub.core.domain.instrument import Instrument
from samplehub.core.domain.lifecycle import HoldReason, Transition
from samplehub.core.domain.locations import Location
from samplehub.core.domain.messages import Message
from samplehub.core.domain.model import (
    Channel,
    Contact,
    Customer,
    Order,
    OrderItem,
    Role,
    Sample,
    Service,
    User,
)
from samplehub.core.domain.numbering import NumberScheme
from samplehub.core.domain.transport import ANY_SLOT, TaskKind
from samplehub.core.service import commands as c
from samplehub.core.service import transport
from samplehub.core.service.outbox import StaffAlerts
from samplehub.core.service.places import AnyPlace
from samplehub.core.service.ports import Clock, PasswordHasher, Places, UnitOfWork

MIN_PASSWORD = 8


@dataclass(frozen=True)
class Context:
    """What handlers need besides the unit of work."""

    clock: Clock
    hasher: PasswordHasher
    sample_numbers: NumberScheme
    order_numbers: NumberScheme
    places: Places = field(default_factory=AnyPlace)
    alerts: StaffAlerts = field(default_factory=StaffAlerts)  # to notify.staff, in the outbox


def _visible_customer(uow: UnitOfWork, actor: c.Actor, customer_id: str) -> Customer:
    customer = uow.customers.get(customer_id)
    if customer is None or not (actor.is_staff or actor.customer_id == customer_id):
        raise NotFound("customer", customer_id)
    return customer


def _contact(index: int, given: tuple[str, ...]) -> Contact:
    """(name, phone) or (name, phone, email), each checked by ``Contact``."""
    if len(given) not in (2, 3):
        allowed = Message("core.allowed_contact")
        raise InvalidValue(f"contacts[{index}]", list(given), "name, phone[, email]", allowed)
    return Contact(*given)


def register_customer(cmd: c.RegisterCustomer, uow: UnitOfWork, ctx: Context) -> str:
    if not permissions.may_register_customers(cmd.actor.role):
        raise Forbidden(cmd.actor.username, "register customers")
    with uow:
        contacts = [_contact(i, contact) for i, contact in enumerate(cmd.contacts)]
        customer = Customer.register(
            uuid.uuid4().hex,
            cmd.name,
            cmd.credit_code,
            contacts,
            cmd.actor.username,
            ctx.clock.now(),
        )
        if uow.customers.by_credit_code(customer.credit_code) is not None:
            raise AlreadyExists("customer with credit code", customer.credit_code)
        uow.customers.add(customer)
        uow.commit()
        return customer.id


def create_user(cmd: c.CreateUser, uow: UnitOfWork, ctx: Context) -> str:
    if not permissions.may_manage_users(cmd.actor.role):
        raise Forbidden(cmd.actor.username, "create users")
    if cmd.enforce_policy:
        _password_policy(cmd.password)
    role = Role.parse(cmd.role)
    with uow:
        if cmd.customer_id is not None and uow.customers.get(cmd.customer_id) is None:
            raise NotFound("customer", cmd.customer_id)
        user = User.create(
            cmd.username,
            role,
            ctx.hasher.hash(cmd.password),
            cmd.customer_id,
            cmd.display_name,
            cmd.actor.username,
            ctx.clock.now(),
        )
        if uow.users.get(user.username) is not None:
            raise AlreadyExists("user", user.username)
        uow.users.add(user)
        uow.commit()
        return user.username


def change_user(cmd: c.ChangeUser, uow: UnitOfWork, ctx: Context) -> str:
    if not permissions.may_manage_users(cmd.actor.role):
        raise Forbidden(cmd.actor.username, "change users")
    role = Role.parse(cmd.role) if cmd.role is not None else None
    with uow:
        user = uow.users.get(cmd.username)
        if user is None:
            raise NotFound("user", cmd.username)
        user.change(role, cmd.active, cmd.actor.username, ctx.clock.now())
        uow.users.update(user)
        uow.commit()
        return user.username


def _password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        allowed = Message("core.allowed_password", {"n": MIN_PASSWORD})
        raise InvalidValue("password", "***", f"at least {MIN_PASSWORD} characters", allowed)


def set_password(cmd: c.SetPassword, uow: UnitOfWork, ctx: Context) -> str:
    """One's own password with the current one (people only: a device login's is reset by an
    admin), or anyone's reset by an admin."""
    own = cmd.actor.username == cmd.username
    if own and cmd.actor.role is Role.KIOSK:
        raise Forbidden(cmd.actor.username, "change a device login's password")
    if not own and not permissions.may_manage_users(cmd.actor.role):
        raise Forbidden(cmd.actor.username, "set another user's password")
    _password_policy(cmd.password)
    with uow:
        user = uow.users.get(cmd.username)
        if user is None:
            raise NotFound("user", cmd.username)
        if own and not ctx.hasher.verify(user.password_hash, cmd.current_password or ""):
            allowed = Message("core.allowed_current_password")
            raise InvalidValue("current_password", "***", "the current password", allowed)
        user.set_password(ctx.hasher.hash(cmd.password), cmd.actor.username, ctx.clock.now())
        uow.users.update(user)
        uow.commit()
        return user.username


def _order_item(index: int, raw: dict[str, Any]) -> OrderItem:
    allowed = {"instrument_type", "model", "serial_number", "quantity"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        keys = ", ".join(sorted(allowed))
        one_of = Message("core.allowed_one_of", {"values": keys})
        raise InvalidValue(f"items[{index}]", unknown, keys, one_of)
    try:
        return OrderItem(**raw)
    except TypeError:
        required = Message("core.allowed_instrument_type_required")
        raise InvalidValue(
            f"items[{index}]", raw, "instrument_type is required", required
        ) from None


def create_order(cmd: c.CreateOrder, uow: UnitOfWork, ctx: Context) -> str:
    if cmd.actor.role not in (Role.CUSTOMER, Role.KIOSK, Role.ADMIN):
        raise Forbidden(cmd.actor.username, "create orders")
    service = Service.parse(cmd.service)
    channel = Channel(cmd.channel) if cmd.channel in set(Channel) else None
    if channel is None:
        channels = ", ".join(ch.value for ch in Channel)
        one_of = Message("core.allowed_one_of", {"values": channels})
        raise InvalidValue("channel", cmd.channel, channels, one_of)
    items = [_order_item(i, raw) for i, raw in enumerate(cmd.items)]
    now = ctx.clock.now()
    with uow:
        customer = _visible_customer(uow, cmd.actor, cmd.customer_id)
        number = ctx.order_numbers.format(now.year, uow.sequences.next(f"order-{now.year}"))
        order = Order.create(number, customer.id, service, channel, items, cmd.actor.username, now)
        uow.orders.add(order)
        uow.commit()
        return number


def register_sample(cmd: c.RegisterSample, uow: UnitOfWork, ctx: Context) -> str:
    if cmd.actor.role not in (Role.KIOSK, Role.ADMIN, Role.WAREHOUSE):
        raise Forbidden(cmd.actor.username, "register samples")
    instrument = Instrument.from_dict(cmd.instrument)
    now = ctx.clock.now()
    with uow:
        order = uow.orders.get(cmd.order_number)
        if order is None:
            raise NotFound("order", cmd.order_number)
        if instrument.serial_number:
            for other in uow.samples.for_order(order.number):
                if other.instrument.serial_number == instrument.serial_number:
                    raise AlreadyExists("sample with serial number", instrument.serial_number)
        number = ctx.sample_numbers.format(now.year, uow.sequences.next(f"sample-{now.year}"))
        sample = Sample.register(
            number, order.number, order.customer_id, instrument, cmd.actor.username, now
        )
        uow.samples.add(sample)
        uow.commit()
        return number


def apply_transition(cmd: c.ApplyTransition, uow: UnitOfWork, ctx: Context) -> str:
    try:
        transition = Transition(cmd.transition)
    except ValueError:
        raise InvalidValue(
            "transition", cmd.transition, ", ".join(t.value for t in Transition)
        ) from None
    location = Location.parse(cmd.location) if cmd.location else None
    hold_reason = None
    if cmd.hold_reason is not None:
        try:
            hold_reason = HoldReason(cmd.hold_reason)
        except ValueError:
            allowed = ", ".join(r.value for r in HoldReason)
            raise InvalidValue("hold_reason", cmd.hold_reason, allowed) from None
    with uow:
        sample = uow.samples.get(cmd.sample_number)
        if sample is None or not (
            cmd.actor.moves_any_sample or cmd.actor.customer_id == sample.customer_id
        ):
            raise NotFound("sample", cmd.sample_number)
        if not permissions.may_apply(cmd.actor.role, transition):
            raise Forbidden(cmd.actor.username, transition.value)
        now, actor, before = ctx.clock.now(), cmd.actor.username, sample.location
        transport.move(
            uow, ctx.places, sample, transition, location, actor=actor, at=now,
            reason=cmd.reason, hold_reason=hold_reason,
        )  # fmt: skip
        if sample.location != before or transition is Transition.HOLD:
            transport.withdraw_open(
                uow,
                sample.number,
                reasons.WITHDRAWN(transition=transition.value, user=actor),
                actor,
                now,
            )
        if transition is Transition.RECEIVE:  # handed in: it goes into storage
            transport.request(
                uow, ctx.places, sample, TaskKind.PUT_AWAY, ANY_SLOT, actor=actor, at=now,
                reason=reasons.RECEIVED(),
            )  # fmt: skip
        uow.commit()
        return sample.state.value


# The unit of work is whatever the bus's factory makes: a slice's handlers name the protocol
# they need of it (``LabUnitOfWork``, ``PickupUnitOfWork``, ...), which bootstrap's provides.
Handler = Callable[[Any, Any, Context], Any]
HANDLERS: dict[type[c.Command], Handler] = {
    c.RegisterCustomer: register_customer,
    c.CreateUser: create_user,
    c.ChangeUser: change_user,
    c.SetPassword: set_password,
    c.CreateOrder: create_order,
    c.RegisterSample: register_sample,
    c.ApplyTransition: apply_transition,
}
