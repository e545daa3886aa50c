"""The notice outbox on SQLite and PostgreSQL, and the real channels against local servers.

* a pickup code's notice commits with its booking, or neither does (failure injected);
* the body is sealed at rest, opened only for delivery, and wiped once delivered: the code is
  nowhere in the database; a code reissued after ten wrong scans is queued too (finding 2);
* SMTP with STARTTLS and AUTH against aiosmtpd (a self-signed certificate made here);
* the SMS gateway adapter against a local stand-in (template, Basic auth, a refusal retried).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import re
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from samplehub.app.wiring import notify as notify_wiring
from samplehub.app.wiring import pickup as pickup_wiring
from samplehub.core.adapters.db.tables import metadata, notice_outbox
from samplehub.core.adapters.memory import FixedClock
from samplehub.core.adapters.notifications.sms_gateway import SmsGatewaySender
from samplehub.core.adapters.notifications.smtp import SmtpSender
from samplehub.core.domain.outbox import Backlog, OutboxMessage, OutboxStatus
from samplehub.core.service import commands as c
from samplehub.core.service.delivery import Deliverer
from samplehub.core.service.notifications import Channel, Notice, NotificationFailed
from samplehub.pickup.adapters.lockers.memory import MemoryLockers
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize, PickupPolicy
from samplehub.pickup.domain.codes import CodeHasher, qr_payload
from samplehub.pickup.service import bookings as pickup
from samplehub.pickup.service import kiosk as pickup_kiosk
from samplehub.pickup.service.notify import NoticePickupNotifier
from samplehub.web.i18n import translate
from tests.unit.samplehub.recall.fakes import Mailbox, free_port

NOW = dt.datetime(2026, 11, 2, 0, 0, tzinfo=dt.UTC)  # Monday 08:00 in China
PHONE = "13905910001"
World = Any  # conftest's FaultyWorld


def _ready(world: World) -> tuple[str, str, list[str]]:
    bus = world.services.bus
    contact = [("陈工", PHONE, None)]
    customer = bus.handle(c.RegisterCustomer(c.SYSTEM, "恒达", "91350100M000100Y43", contact))
    order = bus.handle(
        c.CreateOrder(c.SYSTEM, customer, "calibration", [{"instrument_type": "压力表"}])
    )
    number = bus.handle(c.RegisterSample(c.SYSTEM, order, {"instrument_type": "压力表"}))
    for transition, where in [
        ("receive", "intake_platform:K1"), ("start_transport", "robot:R1"),
        ("deliver_to_lab", "lab_bench:B1"), ("complete_service", None),
        ("start_transport", "robot:R1"), ("store", "storage_slot:A-01-1-01"),
    ]:  # fmt: skip
        bus.handle(c.ApplyTransition(c.SYSTEM, number, transition, where))
    return customer, order, [number]


def _deps(world: World) -> pickup.PickupDeps:
    clock = FixedClock(NOW)
    notifier = NoticePickupNotifier(world.services.uow_factory, clock, texts=translate)
    return pickup_wiring.pickup_deps(
        world.services,
        MemoryLockers([Compartment("C1-01", CompartmentSize.M)]),
        notifier,
        clock,
        CodeHasher(b"integration-key-0123456789"),
        PickupPolicy(opening=dt.time(9), closing=dt.time(17)),
    )


def _everything(world: World) -> str:
    """Every row of every table as text: where a code in clear would show."""
    return json.dumps(world.tables(), default=str, ensure_ascii=False)


def test_a_code_notice_commits_with_its_booking_sealed_and_is_wiped_once_delivered(
    faulty_world: World,
) -> None:
    world = faulty_world
    deps = _deps(world)
    customer, order, samples = _ready(world)
    sizes = dict.fromkeys(samples, CompartmentSize.M)
    window = pickup.offer(deps, list(sizes.values()))[0].window

    world.fault.arm("outbox", "add")  # the notice cannot be written: no booking either
    world.unchanged_by(lambda: pickup.book(deps, c.SYSTEM, order, customer, sizes, window))

    booked = pickup.book_with_code(deps, c.SYSTEM, order, customer, sizes, window)
    with world.engine.connect() as conn:
        [row] = conn.execute(select(notice_outbox)).all()
    assert (row.kind, row.channel, row.recipient, row.status) == (
        "pickup_code", "sms", PHONE, "pending",
    )  # fmt: skip
    assert row.body.startswith("v1.")
    assert booked.code not in _everything(world)  # sealed at rest, digest only in bookings

    sms = _Recording()
    deliverer = Deliverer(world.services.uow_factory, {Channel.SMS: sms}, deps.clock)
    assert deliverer.run_once().delivered == 1
    assert f"取件码 {booked.code}" in sms.sent[0].body
    assert qr_payload(booked.booking.id, booked.code) in sms.sent[0].body
    with world.engine.connect() as conn:
        [row] = conn.execute(select(notice_outbox)).all()
    assert (row.status, row.body, row.attempts) == ("delivered", None, 1)

    for kiosk in range(10):  # ten wrong scans naming the booking revoke its code: a new one
        pickup_kiosk.enter_scan(deps, f"K{kiosk}", qr_payload(booked.booking.id, "000000"))
    deliverer.run_once()
    codes = [m.group(1) for n in sms.sent if (m := re.search(r"取件码 (\d{6})", n.body))]
    assert len(codes) == 2
    assert codes[0] == booked.code
    assert codes[1] != booked.code
    assert not any(code in _everything(world) for code in codes)
    assert isinstance(deps.clock, FixedClock)
    deps.clock.at = window.start
    accepted = pickup_kiosk.enter_code(deps, "K20", codes[1])
    assert accepted.verdict is pickup_kiosk.KioskVerdict.ACCEPTED
    assert "notice_outbox" in metadata.tables


class _Recording:
    channel = Channel.SMS

    def __init__(self) -> None:
        self.sent: list[Notice] = []

    def send(self, notice: Notice) -> None:
        self.sent.append(notice)


# SMTP with STARTTLS and AUTH -------------------------------------------------------------------
def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp.pem", folder / "smtp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
    ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == (b"notify", b"s3cret")
    return AuthResult(success=ok)


@pytest.fixture
def tls_smtp(tmp_path: Path) -> Iterator[tuple[int, Mailbox, Path]]:
    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox, port = Mailbox(), free_port()
    controller = Controller(
        mailbox, hostname="localhost", port=port, tls_context=context, require_starttls=True,
        auth_require_tls=True, authenticator=_authenticator,
    )  # fmt: skip
    controller.start()
    yield port, mailbox, cert
    controller.stop()


def test_smtp_upgrades_with_starttls_checks_the_certificate_and_authenticates(
    tls_smtp: tuple[int, Mailbox, Path],
) -> None:
    port, mailbox, cert = tls_smtp
    trusted = ssl.create_default_context(cafile=str(cert))
    notice = Notice(Channel.EMAIL, "chen@hengda.example", "取件码", "您的取件码 123456", "k1")
    SmtpSender(
        "localhost", port, "samplehub@example.org", starttls=True, username="notify",
        password="s3cret", ssl_context=trusted,
    ).send(notice)  # fmt: skip
    assert [m["To"] for m in mailbox.messages] == ["chen@hengda.example"]
    assert "123456" in mailbox.messages[0].get_content()
    # a wrong password: refused (smtplib then tries LOGIN, which aiosmtpd leaves waiting)
    with pytest.raises(NotificationFailed, match=r"email to chen@hengda\.example"):
        SmtpSender(
            "localhost", port, "s@example.org", 1.0, starttls=True, username="notify",
            password="wrong", ssl_context=trusted,
        ).send(notice)  # fmt: skip
    with pytest.raises(NotificationFailed, match="CERTIFICATE_VERIFY_FAILED"):  # untrusted
        SmtpSender("localhost", port, "s@example.org", starttls=True).send(notice)
    with pytest.raises(NotificationFailed, match="STARTTLS"):  # the server requires TLS first
        SmtpSender("localhost", port, "s@example.org").send(notice)
    assert len(mailbox.messages) == 1
    with pytest.raises(ValueError, match="without STARTTLS"):
        SmtpSender("localhost", port, "s@example.org", username="notify", password="s3cret")


# The SMS gateway ---------------------------------------------------------------------------------
class _Gateway(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, str]]] = []  # (authorization, content type, body)
    statuses: ClassVar[list[int]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length).decode()
        _Gateway.received.append(
            (self.headers.get("Authorization", ""), self.headers["Content-Type"], body)
        )
        self.send_response(_Gateway.statuses.pop(0) if _Gateway.statuses else 200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def gateway() -> Iterator[str]:
    _Gateway.received, _Gateway.statuses = [], []
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    server.shutdown()
    thread.join(5)
    server.server_close()


def test_the_sms_gateway_gets_the_template_with_credentials_and_a_refusal_is_retried(
    faulty_world: World, gateway: str
) -> None:
    world = faulty_world
    template = '{"mobile": "$to", "content": "$text", "ref": "$key"}'
    sender = SmsGatewaySender(gateway, template, username="institute", password="pw")
    clock = FixedClock(NOW)
    deliverer = Deliverer(world.services.uow_factory, {Channel.SMS: sender}, clock)
    deps = _deps(world)
    customer, order, samples = _ready(world)
    sizes = dict.fromkeys(samples, CompartmentSize.M)
    window = pickup.offer(deps, list(sizes.values()))[0].window
    booked = pickup.book_with_code(deps, c.SYSTEM, order, customer, sizes, window)
    _Gateway.statuses = [503]
    assert deliverer.run_once().retrying == 1
    with world.services.uow_factory() as uow:
        [shown] = uow.outbox.recent()
    assert (shown.status, shown.attempts, shown.body) == (OutboxStatus.PENDING, 1, None)
    assert shown.last_error == "gateway answered 503"
    clock.advance(29)
    assert deliverer.run_once().delivered == 0  # the back-off is 30 s
    clock.advance(1)
    assert deliverer.run_once().delivered == 1
    auth, content_type, body = _Gateway.received[-1]
    assert auth == "Basic " + base64.b64encode(b"institute:pw").decode()
    assert content_type == "application/json"
    sent = json.loads(body)
    assert sent["mobile"] == PHONE
    assert f"取件码 {booked.code}" in sent["content"]
    assert sent["ref"].startswith(f"pickup:{booked.booking.id}:code:")


def test_serve_wires_the_configured_channels(tmp_path: Path) -> None:
    from samplehub.app.config import Settings

    settings = Settings(
        data_dir=tmp_path,
        notify={
            "sms": {"type": "gateway", "url": "http://127.0.0.1:9/", "token": "t"},
            "email": {"type": "smtp", "host": "mail.example", "username": "u", "password": "p"},
            "staff": "email:ops@example.org,sms:13800000000",
        },
    )
    senders = notify_wiring.notice_senders(settings)
    assert isinstance(senders[Channel.SMS], SmsGatewaySender)
    smtp = senders[Channel.EMAIL]
    assert isinstance(smtp, SmtpSender)
    assert (smtp.port, smtp.starttls, smtp.username) == (587, True, "u")
    alerts = notify_wiring.staff_alerts(settings)
    assert list(alerts.recipients) == [
        (Channel.EMAIL, "ops@example.org"),
        (Channel.SMS, "13800000000"),
    ]
    with pytest.raises(ValueError, match=r"notify\.staff entry 'pager:1'"):
        Settings(notify={"staff": "pager:1"})
    with pytest.raises(ValueError, match="starttls false"):
        Settings(
            notify={"email": {"type": "smtp", "host": "h", "username": "u", "starttls": False}}
        )


def test_migration_0010_adds_and_removes_the_outbox(database_url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from samplehub.core.adapters.db import upgrade
    from samplehub.core.adapters.db.migrate import alembic_config

    def tables() -> set[str]:
        engine = create_engine(database_url)
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()

    upgrade(database_url, "0009")
    assert "notice_outbox" not in tables()
    upgrade(database_url)
    assert "notice_outbox" in tables()
    command.downgrade(alembic_config(database_url), "0009")
    assert "notice_outbox" not in tables()


def test_one_delivery_worker_leads_per_database_apart_from_the_fleet(pg_server_url: str) -> None:
    from samplehub.fleet.adapters.leader import PostgresAdvisoryLock

    first, second, fleet = (
        PostgresAdvisoryLock(pg_server_url, check_every_s=0, name=notify_wiring.OUTBOX_LOCK),
        PostgresAdvisoryLock(pg_server_url, check_every_s=0, name=notify_wiring.OUTBOX_LOCK),
        PostgresAdvisoryLock(pg_server_url, check_every_s=0),
    )
    try:
        assert first.acquire()
        assert not second.acquire()  # another worker delivers already
        assert fleet.acquire()  # the fleet's lock is a lock of its own
        first.release()
        assert second.acquire()
    finally:
        for lock in (first, second, fleet):
            lock.dispose()


def test_the_backlog_counts_waiting_and_given_up_notices(services: Any) -> None:
    def notice(n: int, at: dt.datetime) -> OutboxMessage:
        return OutboxMessage.new(f"N{n}", "pickup_code", "sms", PHONE, "取件码", "…", f"k{n}", at)

    hour = dt.timedelta(hours=1)
    with services.uow_factory() as uow:
        assert uow.outbox.backlog(NOW) == Backlog(0, None, 0)
        uow.outbox.add(notice(1, NOW - 2 * hour))
        uow.outbox.add(notice(2, NOW - hour))
        for n, given_up in ((3, NOW - hour), (4, NOW - 30 * hour)):
            failed = notice(n, given_up - hour)
            uow.outbox.add(dataclasses.replace(failed, status=OutboxStatus.FAILED,
                                               last_attempt_at=given_up))  # fmt: skip
        uow.commit()
    with services.uow_factory() as uow:
        found = uow.outbox.backlog(NOW - 24 * hour)
    assert found == Backlog(2, NOW - 2 * hour, 1)  # the one given up 30 hours ago is not counted
