"""A line break typed into an instrument field aborted the recall run (issue 14, finding 9): the
reminder's mail subject refused it with ValueError, the run ended there and the reminder,
already claimed, was never sent. Now the fields go into the subject as one line, and a
sender's unexpected failure is kept in the outbox as a failed attempt (retried with back-off)
instead of ending the delivery round. SQLite and PostgreSQL, against a local SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from samplehub.app import bootstrap, jobs
from samplehub.app.config import RecallSettings, Settings
from samplehub.app.config_notify import NoChannel, NotifySettings
from samplehub.app.demo import CUSTOMER_A, GAUGES, seed_demo
from samplehub.app.services import Services
from samplehub.app.wiring import notify as notify_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.memory import FixedClock, PlainHasher
from samplehub.core.service.notifications import Channel, Notice
from samplehub.lab.service import certificates as lab
from samplehub.simulation.lab_work import certify_gauge
from tests.unit.samplehub.recall.fakes import Mailbox, free_port


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings, hasher=PlainHasher())
    yield services
    services.close()


@pytest.fixture
def reminder_day(services: Services) -> date:
    """The demo gauge certified with a line break in its serial number and model; the day
    its 7-day reminder is due."""
    made = seed_demo(services)
    gauge = {k: str(v) for k, v in GAUGES[4].items()} | {
        "serial_number": "BL-55\n6201",
        "model": "Y-100\r\nZ",
    }
    now = services.clock.now()
    number = certify_gauge(services.bus.handle, made["sample_a5"], CUSTOMER_A[0], gauge, now)
    assert services.lab is not None
    valid_until = lab.get(services.lab.deps, number).content.valid_until
    assert valid_until is not None
    return valid_until + timedelta(days=1) - timedelta(days=7)


def test_a_line_break_in_the_serial_number_still_gets_its_reminder(
    settings: Settings, services: Services, reminder_day: date
) -> None:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        configured = settings.model_copy(
            update={
                "recall": RecallSettings(smtp_host="127.0.0.1", smtp_port=port),
                "notify": NotifySettings(sms=NoChannel()),  # email only
            }
        )
        sent = jobs.send_recall_reminders(configured, reminder_day)
    finally:
        controller.stop()
    assert len(sent) == 1
    [message] = mailbox.messages
    subject = str(message["Subject"])
    assert "BL-55 6201" in subject
    assert "\n" not in subject
    assert "Y-100 Z" in message.get_content()


class BrokenOnce:
    """An email sender with a bug on its first notice (not a NotificationFailed)."""

    channel = Channel.EMAIL

    def __init__(self) -> None:
        self.sent: list[Notice] = []
        self.calls = 0

    def send(self, notice: Notice) -> None:
        self.calls += 1
        if self.calls == 1:
            raise ValueError("Header values may not contain linefeed or carriage return")
        self.sent.append(notice)


def test_a_sender_failing_oddly_keeps_the_reminder_for_a_retry(
    settings: Settings, services: Services, reminder_day: date
) -> None:
    sender = BrokenOnce()
    queued = jobs.send_recall_reminders(settings, reminder_day, [sender])  # survived
    assert [n.recipient for n in queued] == ["chen@hengda.example"]
    assert (sender.calls, sender.sent) == (1, [])
    deliverer = notify_wiring.deliverer(settings, services, {Channel.EMAIL: sender})
    deliverer.clock = FixedClock(datetime.now(UTC) + timedelta(minutes=5))  # past its back-off
    assert deliverer.run_once().delivered == 1
    assert [n.key for n in sender.sent] == [n.key for n in queued]
