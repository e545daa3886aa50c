"""The notice outbox: back-off, give-up, wiping, masking, sealing, and the deliverer over the
in-memory unit of work (a failing channel is retried after the back-off, never lost)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from samplehub.core.adapters.memory import FixedClock, MemoryStore, MemoryUnitOfWork
from samplehub.core.adapters.notifications.memory import RecordingSender
from samplehub.core.adapters.notifications.sms_gateway import SmsGatewaySender
from samplehub.core.adapters.sealing import AesGcmSealer, SealError
from samplehub.core.domain.outbox import OutboxMessage, OutboxStatus, RetryPolicy, mask
from samplehub.core.service.delivery import Deliverer
from samplehub.core.service.notifications import Channel, Notice
from samplehub.core.service.outbox import StaffAlerts, enqueue

T0 = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
POLICY = RetryPolicy(4, timedelta(seconds=30), timedelta(minutes=1))


def _message() -> OutboxMessage:
    return OutboxMessage.new("m1", "pickup_code", "sms", "13905910001", "s", "码 123456", "k", T0)


def test_the_back_off_doubles_up_to_its_cap() -> None:
    assert [POLICY.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 60, 60]
    assert RetryPolicy().delay(1) == timedelta(seconds=30)
    assert RetryPolicy().delay(20) == timedelta(hours=1)
    with pytest.raises(ValueError, match="max_attempts 0"):
        RetryPolicy(max_attempts=0)


def test_a_failed_attempt_waits_and_the_last_one_gives_up_and_wipes_the_body() -> None:
    message = _message()
    assert message.due(T0)
    message.failed("gateway answered 503", T0, POLICY)
    assert (message.status, message.attempts, message.next_attempt_at) == (
        OutboxStatus.PENDING, 1, T0 + timedelta(seconds=30),
    )  # fmt: skip
    assert not message.due(T0 + timedelta(seconds=29))
    assert message.body is not None
    for _n in range(3):
        message.failed("x" * 500, T0, POLICY)
    assert message.status is OutboxStatus.FAILED
    assert message.body is None
    assert message.last_error is not None
    assert len(message.last_error) == 300
    with pytest.raises(ValueError, match="failed, not pending"):
        message.delivered(T0)


def test_delivery_wipes_the_body() -> None:
    message = _message()
    message.delivered(T0)
    assert (message.status, message.body, message.attempts) == (OutboxStatus.DELIVERED, None, 1)


def test_staff_see_recipients_masked() -> None:
    assert mask("13905910001") == "139****0001"
    assert mask("chen@hengda.example") == "c***@hengda.example"
    assert mask("123") == "***"
    assert mask("staff1") == "s*aff1"


def test_sealed_bodies_open_only_with_the_key_and_their_own_id() -> None:
    sealer = AesGcmSealer.from_secret("one")
    token = sealer.seal("取件码 123456", "m1")
    assert "123456" not in token
    assert sealer.open(token, "m1") == "取件码 123456"
    with pytest.raises(SealError):
        sealer.open(token, "m2")  # moved to another row
    with pytest.raises(SealError):
        AesGcmSealer.from_secret("two").open(token, "m1")


def test_the_deliverer_retries_after_the_back_off_and_records_each_outcome() -> None:
    store, clock = MemoryStore(), FixedClock(T0)
    sms = RecordingSender(Channel.SMS, fail_for=frozenset({"13905910001"}))
    deliverer = Deliverer(lambda: MemoryUnitOfWork(store), {Channel.SMS: sms}, clock, POLICY)
    with MemoryUnitOfWork(store) as uow:
        enqueue(uow, Notice(Channel.SMS, "13905910001", "s", "code 1", "k1"), "pickup_code", T0)
        enqueue(uow, Notice(Channel.EMAIL, "a@b.example", "s", "hello", "k2"), "reminder", T0)
        uow.commit()
    report = deliverer.run_once()
    assert (report.delivered, report.retrying) == (0, 2)  # no email channel: retried as well
    assert deliverer.run_once().retrying == 0  # nothing due before the back-off
    sms = RecordingSender(Channel.SMS)  # the gateway is back
    deliverer.senders = {Channel.SMS: sms}
    clock.advance(30)
    report = deliverer.run_once()
    assert (report.delivered, report.retrying) == (1, 1)
    assert [n.body for n in sms.sent] == ["code 1"]
    with MemoryUnitOfWork(store) as uow:
        shown = {m.key: m for m in uow.outbox.recent()}
    assert shown["k1"].status is OutboxStatus.DELIVERED
    assert shown["k1"].body is None
    assert shown["k2"].body is None
    assert "no sender for channel 'email'" in (shown["k2"].last_error or "")
    for _ in range(3):
        clock.advance(60)
        deliverer.run_once()
    with MemoryUnitOfWork(store) as uow:
        gone = uow.outbox.get(shown["k2"].id)
    assert gone is not None
    assert (gone.status, gone.attempts) == (OutboxStatus.FAILED, 4)


def test_staff_alerts_go_to_every_configured_recipient_in_the_callers_transaction() -> None:
    store = MemoryStore()
    alerts = StaffAlerts(((Channel.EMAIL, "ops@x.example"), (Channel.SMS, "13800000000")))
    with MemoryUnitOfWork(store) as uow:
        alerts.alert(uow, "kiosk_locked", "pickup.notice_kiosk_locked_staff", {"kiosk": "K1"}, T0)
        # not committed: rolled back with the cause
    with MemoryUnitOfWork(store) as uow:
        assert uow.outbox.recent() == []
        made = alerts.alert(uow, "kiosk_locked", "x", {"kiosk": "K1"}, T0)
        uow.commit()
    assert [(m.channel, m.recipient) for m in made] == [
        ("email", "ops@x.example"), ("sms", "13800000000")
    ]  # fmt: skip
    assert StaffAlerts().alert(MemoryUnitOfWork(store), "k", "x", {}, T0) == []


def test_the_sms_template_fills_in_escaped_values_and_refuses_unknown_names() -> None:
    sender = SmsGatewaySender("http://127.0.0.1:9/sms", '{"phone": "$to", "msg": "$text"}')
    body = sender.body(Notice(Channel.SMS, "139", "s", 'say "hi"\n码', "k"))
    assert body == '{"phone": "139", "msg": "say \\"hi\\"\\n码"}'
    form = SmsGatewaySender("http://x/", "to=$to&text=$text", content_type="text/plain")
    assert form.body(Notice(Channel.SMS, "139", "s", "a b&c", "k")) == "to=139&text=a+b%26c"
    with pytest.raises(ValueError, match=r"\['phone'\]"):
        SmsGatewaySender("http://x/", '{"to": "$phone"}')


class _Lease:
    def __init__(self) -> None:
        self.mine = False

    def acquire(self) -> bool:
        return self.mine

    def held(self) -> bool:
        return self.mine

    def release(self) -> None:
        self.mine = False


class _Flaky:
    """A deliverer whose first round fails (the database away), then counts rounds."""

    def __init__(self) -> None:
        self.rounds = 0

    def run_once(self) -> None:
        self.rounds += 1
        if self.rounds == 1:
            raise ConnectionError("database away")


def test_the_worker_delivers_only_while_it_holds_the_lease_and_outlives_a_bad_round() -> None:
    import time

    from samplehub.core.service.delivery import DeliveryWorker

    lease, deliverer = _Lease(), _Flaky()
    worker = DeliveryWorker(
        deliverer,  # type: ignore[arg-type]
        lease,
        0.005,
        follower_retry_s=0.005,
        backoff_s=(0.005, 0.01),
    )
    worker.start()
    try:
        time.sleep(0.05)
        assert (worker.role, deliverer.rounds) == ("follower", 0)
        lease.mine = True
        deadline = time.monotonic() + 5
        while deliverer.rounds < 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert deliverer.rounds >= 3  # the failing first round did not end the worker
        assert worker.role == "leader"
    finally:
        worker.stop()
    assert worker.role == "stopped"


def test_a_claimed_message_is_left_alone_until_its_hold_is_over() -> None:
    message = _message()
    assert message.claim(T0, timedelta(minutes=2))
    assert not message.claim(T0 + timedelta(seconds=119), timedelta(minutes=2))  # another round
    assert message.claim(T0 + timedelta(minutes=2), timedelta(minutes=2))  # its deliverer died
    message.delivered(T0)
    assert not message.claim(T0 + timedelta(hours=1), timedelta(minutes=2))
