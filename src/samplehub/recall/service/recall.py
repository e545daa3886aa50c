"""Recall: the due list of a customer's instruments, pre-registering them, and reminders.

A reminder is claimed in the reminder log before it is sent and released if sending fails, so
two runs at once cannot both send it and a failed one is tried again on the next run. Claim and
release are commands: each writes the log and its custody record in one transaction. The
sending itself happens between them, outside any transaction (a mail server is no database);
a crash right after a claim leaves that reminder claimed but unsent.

Recall reads the lab's issued certificates through the core's ``IssuedCertificates`` port.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from samplehub.core.domain.errors import InvalidValue, NotFound
from samplehub.core.domain.messages import Message
from samplehub.core.service import commands as c
from samplehub.core.service.notifications import Channel, Notice, NoticeSender, NotificationFailed
from samplehub.recall.domain.recall import due_date, reminder_due
from samplehub.recall.service.commands import ClaimReminder, ReleaseReminder
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
    owners = {mine[number].customer_id: mine[number].customer for number in certificates}
    if len(owners) > 1:  # staff choosing for a customer: one order is one customer's
        names = ", ".join(f"{name} ({key})" for key, name in sorted(owners.items()))
        raise InvalidValue(
            "certificates",
            list(certificates),
            f"instruments of one customer; these belong to {names}",
            Message("recall.allowed_one_customer", {"customers": names}),
        )
    [owner] = owners
    order: str = handle(c.CreateOrder(actor, owner, "verification", items))
    return order


def send_reminders(
    handle: Handle,
    uow_factory: UowFactory,
    senders: Sequence[NoticeSender],
    today: date,
    now: datetime,
    days_before: Sequence[int] = (30, 7),
) -> list[Notice]:
    """Send the reminders due today over every configured channel; returns what was sent."""
    sent: list[Notice] = []
    by_channel = {sender.channel: sender for sender in senders}
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
                sender = by_channel.get(channel)
                if sender is None or not recipient:
                    continue
                notice = _notice(item, channel, recipient, contact.name, days)
                claim = ClaimReminder(c.SYSTEM, notice, item.certificate, item.sample, days, now)
                if not handle(claim):
                    continue
                problem = _send(sender, notice)
                if problem is not None:
                    handle(
                        ReleaseReminder(
                            c.SYSTEM, notice, item.certificate, item.sample, days, problem, now
                        )
                    )
                    continue
                sent.append(notice)
    return sent


def _send(sender: NoticeSender, notice: Notice) -> str | None:
    """Send one reminder; the problem when it failed (released, so the next run tries it
    again). A sender's own bug is logged and survived too: one bad reminder must not end the
    run and leave the rest unsent, nor stay claimed and never be sent."""
    try:
        sender.send(notice)
    except NotificationFailed as failed:
        log.warning("recall reminder not sent, will retry: %s", failed)
        return failed.problem
    except Exception as error:
        log.exception("recall reminder %s failed in its sender; will retry", notice.key)
        return f"{type(error).__name__}: {error}"
    return None


def _one_line(text: str) -> str:
    """A field as one line (a line break typed into a nameplate field must not reach a
    mail header, where it is refused or would start a header of its own)."""
    return " ".join(text.split())


def _notice(item: DueInstrument, channel: Channel, recipient: str, name: str, days: int) -> Notice:
    due = item.due.isoformat()
    instrument, serial = _one_line(item.instrument), _one_line(item.serial_number)
    subject = f"计量器具到期提醒：{instrument} {serial} 将于 {due} 到期"
    body = (
        f"{name}，您好：\n\n"
        f"贵单位（{item.customer}）的 {instrument}（型号 {_one_line(item.model)}，"
        f"出厂编号 {serial}，证书 {item.certificate}）将于 {due} 到期，"
        f"距今 {days} 天以内。请登录 SampleHub 在“到期送检”中一键预约送检。\n\n"
        f"Your {instrument} (serial {serial}, certificate "
        f"{item.certificate}) is due for re-verification on {due}. Book it in SampleHub "
        f"under 'Due for recall'."
    )
    key = f"recall:{item.certificate}:{days}:{channel.value}:{recipient}"
    return Notice(channel, recipient, subject, body, key)
