"""Recall: the due list of a customer's instruments, pre-registering them, and reminders.

A reminder is claimed in the reminder log, so two runs at once cannot both queue it. The claim
is a command: the log's row, its custody record and the reminder in the outbox commit in one
transaction; the outbox's delivery worker sends it afterwards and retries a failed attempt
with back-off, so a crash or a mail server away never loses a claimed reminder.

Recall reads the lab's issued certificates through the core's ``IssuedCertificates`` port.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from samplehub.core.domain.errors import InvalidValue, NotFound
from samplehub.core.domain.messages import Message
from samplehub.core.service import commands as c
from samplehub.core.service.notifications import Channel, Notice
from samplehub.recall.domain.recall import due_date, reminder_due
from samplehub.recall.service.commands import ClaimReminder
from samplehub.recall.service.ports import RecallUnitOfWork

log = logging.getLogger(__name__)
UowFactory = Callable[[], RecallUnitOfWork]
Handle = Callable[[c.Command], Any]  # MessageBus.handle


@dataclass(frozen=True)
class DueInstrument:
    certificate: str
    sample: str
    customer_id: str
    customer: str
    instrument: str
    model: str
    serial_number: str
    due: date


def due_instruments(uow_factory: UowFactory, customer_id: str | None = None) -> list[DueInstrument]:
    """Every instrument with an issued certificate that states a validity, soonest due first.

    Failure notices are left out (the instrument failed, nothing is due); superseded
    certificates too (their correction counts).
    """
    found = []
    with uow_factory() as uow:
        for validity in uow.certificates.validities():
            sample = uow.samples.get(validity.sample)
            if sample is None or (customer_id is not None and sample.customer_id != customer_id):
                continue
            found.append(
                DueInstrument(
                    validity.certificate,
                    sample.number,
                    sample.customer_id,
                    validity.customer,
                    validity.instrument,
                    validity.model,
                    validity.serial_number,
                    due_date(validity.valid_until),
                )
            )
    return sorted(found, key=lambda item: (item.due, item.certificate))


def preregister(
    handle: Handle,
    uow_factory: UowFactory,
    actor: c.Actor,
    certificates: Sequence[str],
) -> str:
    """One online order for the chosen due instruments of the actor's company; its number."""
    if not certificates:
        raise InvalidValue(
            "certificates",
            [],
            "at least one instrument coming due",
            Message("recall.allowed_certificates"),
        )
    customer_id = actor.customer_id
    mine = {item.certificate: item for item in due_instruments(uow_factory, customer_id)}
    items = []
    for number in certificates:
        item = mine.get(number)
        if item is None:
            raise NotFound("certificate", number)
        items.append(
            {
                "instrument_type": item.instrument,
                "model": None if item.model == "/" else item.model,
                "serial_number": None if item.serial_number == "/" else item.serial_number,
            }
        )
    owner = customer_id or next(iter(mine.values())).customer_id
    order: str = handle(c.CreateOrder(actor, owner, "verification", items))
    return order


def send_reminders(
    handle: Handle,
    uow_factory: UowFactory,
    channels: Collection[Channel],
    today: date,
    now: datetime,
    days_before: Sequence[int] = (30, 7),
) -> list[Notice]:
    """Queue the reminders due today over every channel in use; returns what was queued."""
    sent: list[Notice] = []
    for item in due_instruments(uow_factory):
        days = reminder_due(item.due, today, days_before)
        if days is None:
            continue
        with uow_factory() as uow:
            customer = uow.customers.get(item.customer_id)
        if customer is None:
            continue
        for contact in customer.contacts:
            for channel, recipient in (
                (Channel.EMAIL, contact.email),
                (Channel.SMS, contact.phone),
                (Channel.WECHAT, contact.phone),
            ):
                if channel not in channels or not recipient:
                    continue
                notice = _notice(item, channel, recipient, contact.name, days)
                claim = ClaimReminder(c.SYSTEM, notice, item.certificate, item.sample, days, now)
                if handle(claim):  # claimed and queued in one transaction
                    sent.append(notice)
    return sent


def _notice(item: DueInstrument, channel: Channel, recipient: str, name: str, days: int) -> Notice:
    due = item.due.isoformat()
    subject = f"计量器具到期提醒：{item.instrument} {item.serial_number} 将于 {due} 到期"
    body = (
        f"{name}，您好：\n\n"
        f"贵单位（{item.customer}）的 {item.instrument}（型号 {item.model}，"
        f"出厂编号 {item.serial_number}，证书 {item.certificate}）将于 {due} 到期，"
        f"距今 {days} 天以内。请登录 SampleHub 在“到期送检”中一键预约送检。\n\n"
        f"Your {item.instrument} (serial {item.serial_number}, certificate "
        f"{item.certificate}) is due for re-verification on {due}. Book it in SampleHub "
        f"under 'Due for recall'."
    )
    key = f"recall:{item.certificate}:{days}:{channel.value}:{recipient}"
    return Notice(channel, recipient, subject, body, key)
