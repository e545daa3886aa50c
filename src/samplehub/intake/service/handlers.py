"""Handlers of the kiosk intake. Each is one transaction: a refused check leaves no trace.

Received at the kiosk means, in one commit: the customer and kiosk order for a walk-in, the
sample registered (or the order's pre-registered sample taken up), RECEIVE with its custody
record, the GIAI-96 EPC assigned, and the put-away transport task to a slot storage chooses.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from samplehub.core.domain import permissions, reasons
from samplehub.core.domain.epc import EpcError, giai_for_sample
from samplehub.core.domain.errors import Forbidden, InvalidValue, NotFound
from samplehub.core.domain.instrument import Instrument
from samplehub.core.domain.lifecycle import FINAL_STATES, SampleState, Transition
from samplehub.core.domain.locations import Location, LocationKind
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
)
from samplehub.core.domain.transport import ANY_SLOT, TaskKind
from samplehub.core.service import transport
from samplehub.core.service.ports import SampleFilter, UnitOfWork
from samplehub.intake.domain.intake import (
    DEVICES,
    EpcAssigned,
    IntakeDeviceDone,
    IntakeDeviceFailed,
    serial_key,
    serial_search_text,
)
from samplehub.intake.service import commands as ci
from samplehub.intake.service.errors import serial_taken

if TYPE_CHECKING:
    from samplehub.core.service.handlers import Context

KIOSK_ROLES = (Role.KIOSK, Role.ADMIN)


@dataclass(frozen=True)
class HandedIn:
    """What a kiosk hand-in produced: the order (new for a walk-in's first) and the sample."""

    order_number: str
    customer_id: str
    sample: Sample


def _walk_in_order(
    cmd: ci.KioskHandIn, instrument: Instrument, uow: UnitOfWork, ctx: Context
) -> Order:
    walk_in = cmd.walk_in
    if walk_in is None:
        raise InvalidValue("order_number", None, "an order number, or a walk-in company")
    now = ctx.clock.now()
    customer = uow.customers.by_credit_code(walk_in.credit_code.strip().upper())
    if customer is None:
        if not permissions.may_register_customers(cmd.actor.role):
            raise Forbidden(cmd.actor.username, "register customers")
        if not (walk_in.company_name and walk_in.company_name.strip()):
            raise InvalidValue(
                "company_name", walk_in.company_name, "the company's name (it is not registered)"
            )
        customer = Customer.register(
            uuid.uuid4().hex,
            walk_in.company_name,
            walk_in.credit_code,
            [Contact(walk_in.contact_name, walk_in.phone)],
            cmd.actor.username,
            now,
        )
        uow.customers.add(customer)
    item = OrderItem(instrument.instrument_type, instrument.model, instrument.serial_number)
    number = ctx.order_numbers.format(now.year, uow.sequences.next(f"order-{now.year}"))
    order = Order.create(
        number,
        customer.id,
        Service.parse(cmd.service),
        Channel.KIOSK,
        [item],
        cmd.actor.username,
        now,
    )
    uow.orders.add(order)
    return order


def _sample_for(
    cmd: ci.KioskHandIn, instrument: Instrument, uow: UnitOfWork, ctx: Context
) -> tuple[Order, Sample]:
    """The sample this hand-in is about: the order's pre-registered one or a new one.

    Refuses a serial number this company already handed in (and has not had back).
    """
    if cmd.order_number is None:
        order = _walk_in_order(cmd, instrument, uow, ctx)
    else:
        found = uow.orders.get(cmd.order_number)
        if found is None:
            raise NotFound("order", cmd.order_number)
        order = found
    pending: Sample | None = None
    serial = instrument.serial_number
    if serial:
        same = uow.samples.search(
            SampleFilter(customer_id=order.customer_id, text=serial_search_text(serial), limit=200)
        )
        for other in same.items:
            if other.instrument.serial_number is None:
                continue
            if serial_key(other.instrument.serial_number) != serial_key(serial):
                continue
            if other.state is SampleState.REGISTERED and other.order_number == order.number:
                pending = uow.samples.get(other.number)
                continue
            if other.state in FINAL_STATES:
                continue
            raise serial_taken(
                serial,
                f"a serial number not handed in already (sample {other.number} of order "
                f"{other.order_number} has it, {other.state.value})",
            )
    now = ctx.clock.now()
    if pending is not None:
        pending.instrument = instrument
        return order, pending
    number = ctx.sample_numbers.format(now.year, uow.sequences.next(f"sample-{now.year}"))
    sample = Sample.register(
        number, order.number, order.customer_id, instrument, cmd.actor.username, now
    )
    uow.samples.add(sample)
    return order, sample


def _check_actor(cmd: ci.KioskHandIn | ci.RecordIntakeDevices) -> None:
    if cmd.actor.role not in KIOSK_ROLES:
        raise Forbidden(cmd.actor.username, "hand in samples at the kiosk")


def receive_at_kiosk(cmd: ci.ReceiveAtKiosk, uow: UnitOfWork, ctx: Context) -> HandedIn:
    _check_actor(cmd)
    instrument = Instrument.from_dict(cmd.instrument)
    location = Location.parse(cmd.location, "location")
    if location.kind is not LocationKind.INTAKE_PLATFORM:
        raise InvalidValue("location", cmd.location, "intake_platform:<kiosk code>")
    with uow:
        order, sample = _sample_for(cmd, instrument, uow, ctx)
        now = ctx.clock.now()
        sample.apply(Transition.RECEIVE, actor=cmd.actor.username, at=now, location=location)
        try:
            giai = giai_for_sample(sample.number, cmd.epc_company_prefix, cmd.epc_filter)
        except EpcError as error:
            raise InvalidValue(f"epc.{error.field}", error.value, error.allowed) from None
        sample.epc, sample.epc_uri = giai.to_hex(), giai.pure_identity_uri()
        sample.events.append(
            EpcAssigned(
                cmd.actor.username, now, sample.number, order.number, sample.epc, sample.epc_uri
            )
        )
        transport.request(
            uow, ctx.places, sample, TaskKind.PUT_AWAY, ANY_SLOT, actor=cmd.actor.username,
            at=now, reason=reasons.RECEIVED(),
        )  # fmt: skip
        uow.commit()
        return HandedIn(order.number, order.customer_id, sample)


def refuse_at_kiosk(cmd: ci.RefuseAtKiosk, uow: UnitOfWork, ctx: Context) -> HandedIn:
    _check_actor(cmd)
    if not cmd.reason.strip():
        raise InvalidValue(
            "reason",
            cmd.reason,
            "why the instrument is refused (e.g. damaged)",
            Message("intake.allowed_reason"),
        )
    if len(cmd.reason) > 200:
        raise InvalidValue(
            "reason",
            cmd.reason[:40] + "…",
            "at most 200 characters",
            Message("core.allowed_max_chars", {"max_len": 200}),
        )
    instrument = Instrument.from_dict(cmd.instrument)
    with uow:
        order, sample = _sample_for(cmd, instrument, uow, ctx)
        sample.apply(
            Transition.REJECT,
            actor=cmd.actor.username,
            at=ctx.clock.now(),
            location=Location(LocationKind.CUSTOMER, order.customer_id),
            reason=cmd.reason.strip(),
        )
        uow.commit()
        return HandedIn(order.number, order.customer_id, sample)


def record_intake_devices(cmd: ci.RecordIntakeDevices, uow: UnitOfWork, ctx: Context) -> None:
    _check_actor(cmd)
    with uow:
        sample = uow.samples.get(cmd.sample_number)
        if sample is None:
            raise NotFound("sample", cmd.sample_number)
        now = ctx.clock.now()
        for device, ok, detail in cmd.outcomes:
            if device not in DEVICES:
                raise InvalidValue("device", device, ", ".join(DEVICES))
            event: Any
            if ok:
                event = IntakeDeviceDone(
                    cmd.actor.username, now, sample.number, sample.order_number, device, detail
                )
            else:
                event = IntakeDeviceFailed(
                    cmd.actor.username, now, sample.number, sample.order_number, device, detail
                )
            sample.events.append(event)
        uow.commit()


INTAKE_HANDLERS: dict[type[Any], Any] = {
    ci.ReceiveAtKiosk: receive_at_kiosk,
    ci.RefuseAtKiosk: refuse_at_kiosk,
    ci.RecordIntakeDevices: record_intake_devices,
}
