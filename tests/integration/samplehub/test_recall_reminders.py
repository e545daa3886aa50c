"""Recall reminders against a local SMTP server (aiosmtpd) and a local webhook server; the due
list and one-click pre-registration in the customer portal.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import HTTPServer

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from samplehub.app import bootstrap, jobs
from samplehub.app.config import RecallSettings, Settings
from samplehub.app.config_notify import NoChannel, NotifySettings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo, seed_demo_certificates
from samplehub.app.services import Services
from samplehub.app.wiring import notify as notify_wiring
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.memory import FixedClock, PlainHasher
from samplehub.core.adapters.notifications.webhook import WebhookSender
from samplehub.core.service.notifications import Channel
from samplehub.lab.domain.certificate import Certificate
from samplehub.lab.service import certificates as lab
from samplehub.web.app import create_app
from tests.unit.samplehub.recall.fakes import Gateway, Mailbox, free_port


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, mailbox
    controller.stop()


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings, hasher=PlainHasher())
    yield services
    services.close()


@pytest.fixture
def issued(services: Services, settings: Settings) -> tuple[dict[str, str], Certificate]:
    """The demo data with its issued verification certificate (a gauge, 6-month interval)."""
    made = seed_demo(services)
    assert services.lab is not None
    [number] = seed_demo_certificates(services, made, services.clock.now())
    return made, lab.get(services.lab.deps, number)


def test_reminders_go_30_and_7_days_before_due_exactly_once(
    settings: Settings,
    services: Services,
    issued: tuple[dict[str, str], Certificate],
    smtp: tuple[int, Mailbox],
) -> None:
    port, mailbox = smtp
    _, certificate = issued
    assert certificate.content.valid_until is not None
    due = certificate.content.valid_until + timedelta(days=1)
    performed = certificate.content.performed_on
    assert (due.year * 12 + due.month) - (performed.year * 12 + performed.month) == 6
    configured = settings.model_copy(
        update={
            "recall": RecallSettings(smtp_host="127.0.0.1", smtp_port=port),
            "notify": NotifySettings(sms=NoChannel()),  # email only
        }
    )
    sent_per_run = []
    for days_before in (31, 30, 30, 29, 8, 7, 7, 3, 0, -1):
        day = due - timedelta(days=days_before)
        sent = jobs.send_recall_reminders(configured, day)
        sent_per_run.append((days_before, len(sent)))
    assert sent_per_run == [
        (31, 0), (30, 1), (30, 0), (29, 0), (8, 0), (7, 1), (7, 0), (3, 0), (0, 0), (-1, 0)
    ]  # fmt: skip
    assert [m["To"] for m in mailbox.messages] == ["chen@hengda.example", "chen@hengda.example"]
    keys = [m["X-SampleHub-Key"] for m in mailbox.messages]
    assert keys == [
        f"recall:{certificate.number}:30:email:chen@hengda.example",
        f"recall:{certificate.number}:7:email:chen@hengda.example",
    ]
    subject = str(mailbox.messages[0]["Subject"])
    assert "布莱迪" not in subject  # the instrument's name, not its maker
    assert f"将于 {due.isoformat()} 到期" in subject
    body = mailbox.messages[1].get_content()
    assert certificate.number in body
    assert "BL-556201" in body


@pytest.fixture
def gateway() -> Iterator[str]:
    Gateway.received, Gateway.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notify"
    server.shutdown()
    thread.join(5)
    server.server_close()


def test_sms_and_wechat_webhooks_get_json_and_a_failed_one_is_retried_from_the_outbox(
    settings: Settings,
    services: Services,
    issued: tuple[dict[str, str], Certificate],
    gateway: str,
) -> None:
    _, certificate = issued
    assert certificate.content.valid_until is not None
    day = certificate.content.valid_until + timedelta(days=1) - timedelta(days=7)
    senders = [WebhookSender(Channel.SMS, gateway), WebhookSender(Channel.WECHAT, gateway)]
    Gateway.status = 503
    queued = jobs.send_recall_reminders(settings, day, senders)
    assert [(n.channel, n.recipient) for n in queued] == [
        (Channel.SMS, "13905910001"),
        (Channel.WECHAT, "13905910001"),
    ]
    assert len(Gateway.received) == 2  # both tried at once, both refused: kept for a retry
    assert jobs.send_recall_reminders(settings, day, senders) == []  # claimed once only
    assert len(Gateway.received) == 2  # the retry waits for its back-off
    Gateway.status = 200
    later = FixedClock(datetime.now(UTC) + timedelta(seconds=31))
    deliverer = notify_wiring.deliverer(settings, services, {s.channel: s for s in senders})
    deliverer.clock = later
    assert deliverer.run_once().delivered == 2
    assert sorted(r["channel"] for r in Gateway.received[2:]) == ["sms", "wechat"]
    assert all(r["key"].startswith(f"recall:{certificate.number}:7:") for r in Gateway.received)
    assert deliverer.run_once().delivered == 0


def test_customer_sees_the_due_list_and_preregisters_in_one_click(
    services: Services, settings: Settings, issued: tuple[dict[str, str], Certificate]
) -> None:
    _, certificate = issued
    client = TestClient(create_app(services, settings))
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    client.post(
        "/login", data={"username": "cust-a", "password": DEMO_PASSWORD, "csrf": csrf.group(1)}
    )
    due_list = client.get("/recall")
    assert certificate.number in due_list.text
    assert "BL-556201" in due_list.text
    other = TestClient(create_app(services, settings))
    other_csrf = re.search(r'name="csrf" value="([^"]+)"', other.get("/login").text)
    assert other_csrf is not None
    other.post(
        "/login",
        data={"username": "cust-b", "password": DEMO_PASSWORD, "csrf": other_csrf.group(1)},
    )
    assert certificate.number not in other.get("/recall").text
    booked = client.post(
        "/recall/preregister", data={"csrf": csrf.group(1), "certificate": certificate.number}
    )
    created = re.search(r"created=(WT\d{4}-\d+)", str(booked.url))
    assert created is not None
    token = client.post(
        "/api/auth/token", json={"username": "cust-a", "password": DEMO_PASSWORD}
    ).json()["access_token"]
    order = client.get(
        f"/api/orders/{created.group(1)}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [(i["instrument_type"], i["serial_number"]) for i in order["items"]] == [
        ("弹簧管压力表", "BL-556201")
    ]
    stolen = other.post(
        "/recall/preregister",
        data={"csrf": other_csrf.group(1), "certificate": certificate.number},
    )
    assert stolen.status_code == 404


def test_due_date_for_a_day_like_31_august_follows_the_calendar() -> None:
    from samplehub.lab.domain.dates import valid_until
    from samplehub.recall.domain.recall import due_date

    assert due_date(valid_until(date(2026, 8, 31), 6)) == date(2027, 2, 28)
