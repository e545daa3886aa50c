"""Recall: the due list of a customer's instruments, pre-registering them, and reminders.

A reminder is claimed in the reminder log before it is sent and released if sending fails, so
two runs at once cannot both send it and a failed one is tried again on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from samplehub.core.domain.errors import InvalidValue, NotFound
from samplehub.core.service import commands as c
from samplehub.core.service.messagebus import MessageBus
from samplehub.core.service.notifications import Channel, Notice, NoticeSender, NotificationFailed
from samplehub.core.service.ports import UnitOfWork
from samplehub.lab.domain.certificate import CertificateKind, Status
from samplehub.lab.service.certificates import LabDeps
from samplehub.recall.domain.recall import due_date, reminder_due

log = logging.getLogger(__name__)
UowFactory = Callable[[], UnitOfWork]


class ReminderLog(Protocol):
    """Reminders sent, by key; a key is claimed once."""

    def claim(
        self, key: str, certificate: str, notice: Notice, days_before: int, at: datetime
    ) -> bool:
        """Record the reminder as sent; False when the key was already claimed."""

    def release(self, key: str) -> None:
        """Forget a claim whose sending failed, so the next run tries again."""

    def keys(self) -> set[str]:
        """Every key claimed."""


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


def due_instruments(
    deps: LabDeps, uow_factory: UowFactory, customer_id: str | None = None
) -> list[DueInstrument]:
    """Every instrument with an issued certificate that states a validity, soonest due first.

    Failure notices are left out (the instrument failed, nothing is due); superseded
    certificates too (their correction counts).
    """
    found = []
    issued = deps.certificates.find(statuses=frozenset({Status.ISSUED.value}))
    with uow_factory() as uow:
        for certificate in issued:
            content = certificate.content
            if content.valid_until is None or certificate.kind is CertificateKind.FAILURE_NOTICE:
                continue
            sample = uow.samples.get(content.sample_id)
            if sample is None or (customer_id is not None and sample.customer_id != customer_id):
                continue
            found.append(
                DueInstrument(
                    certificate.number,
                    sample.number,
                    sample.customer_id,
                    content.customer,
                    content.instrument.name,
                    content.instrument.model,
                    content.instrument.serial_number,
                    due_date(content.valid_until),
                )
            )
    return sorted(found, key=lambda item: (item.due, item.certificate))


def preregister(
    bus: MessageBus,
    deps: LabDeps,
    uow_factory: UowFactory,
    actor: c.Actor,
    certificates: Sequence[str],
) -> str:
    """One online order for the chosen due instruments of the actor's company; its number."""
    if not certificates:
        raise InvalidValue("certificates", [], "at least one instrument coming due")
    customer_id = actor.customer_id
    mine = {item.certificate: item for item in due_instruments(deps, uow_factory, customer_id)}
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
    order: str = bus.handle(c.CreateOrder(actor, owner, "verification", items))
    return order


def send_reminders(
    deps: LabDeps,
    uow_factory: UowFactory,
    senders: Sequence[NoticeSender],
    reminders: ReminderLog,
    today: date,
    now: datetime,
    days_before: Sequence[int] = (30, 7),
) -> list[Notice]:
    """Send the reminders due today over every configured channel; returns what was sent."""
    sent: list[Notice] = []
    by_channel = {sender.channel: sender for sender in senders}
    for item in due_instruments(deps, uow_factory):
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
                sender = by_channel.get(channel)
                if sender is None or not recipient:
                    continue
                notice = _notice(item, channel, recipient, contact.name, days)
                if not reminders.claim(notice.key, item.certificate, notice, days, now):
                    continue
                try:
                    sender.send(notice)
                except NotificationFailed as failed:
                    reminders.release(notice.key)
                    log.warning("recall reminder not sent, will retry: %s", failed)
                    continue
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
