"""The centre link without a broker: the wire format both ends read, the centre's rule that a
copy is replaced only by a newer version (so redelivery and late messages change nothing), and
the forwarder deleting an outbox message only once the broker acknowledged it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from laneguard.centre.adapters.memory import InMemoryCentreStore
from laneguard.centre.domain.copies import camera_is_newer, incident_is_newer, overview
from laneguard.centre.service.centre import CentreService
from laneguard.centre.service.forwarder import Forwarder, topic
from laneguard.centre.service.ports import LinkDownError
from laneguard.core.domain.cameras import CameraState
from laneguard.core.domain.forwarding import (
    CameraReport,
    MalformedForwardError,
    OutboxEntry,
    camera_message,
    incident_message,
    parse_camera,
    parse_incident,
    presence_message,
)
from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def record(incident_id: str = "i-1", station: str = "嘉善", **changes: object) -> IncidentRecord:
    r = IncidentRecord(
        incident_id=incident_id,
        station=station,
        camera="cam-1",
        zone="lane-2-zone",
        lane="2",
        object_class=ObjectClass.BICYCLE,
        track_id=7,
        score=0.8,
        opened_at=T0,
        snapshot_jpeg=b"\xff\xd8 picture",
    )
    for key, value in changes.items():
        setattr(r, key, value)
    return r


def wire(message: dict[str, object]) -> bytes:
    return json.dumps(message).encode()


def test_an_incident_travels_without_its_picture_and_comes_back_the_same() -> None:
    closed = record(outcome=Outcome.TURNED_BACK, closed_by="张三", closed_at=T0 + timedelta(1))
    message = incident_message(closed, version=3)
    assert "snapshot_jpeg" not in message
    assert message["opened_at"] == "2026-05-04T09:00:00Z"
    back, version = parse_incident(json.loads(json.dumps(message)))
    assert version == 3
    assert back.version == 3
    assert (back.station, back.outcome, back.closed_by) == ("嘉善", Outcome.TURNED_BACK, "张三")
    assert back.opened_at == T0
    assert back.snapshot_jpeg == b""


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("version", -1, "version=-1"),
        ("version", "2", "version='2'"),
        ("class", "tank", "class='tank'"),
        ("opened_at", "2026-05-04T09:00:00", "has no time zone"),
        ("station", "", "station=''"),
    ],
)
def test_a_malformed_incident_names_the_field_and_value(
    field: str, value: object, named: str
) -> None:
    message = incident_message(record(), 0) | {field: value}
    with pytest.raises(MalformedForwardError, match=named):
        parse_incident(message)


def test_a_copy_is_replaced_only_by_a_newer_version() -> None:
    assert incident_is_newer(None, 0)
    assert incident_is_newer(1, 2)
    assert not incident_is_newer(2, 2)
    assert not incident_is_newer(3, 2)
    assert camera_is_newer(T0, T0 + timedelta(seconds=1))
    assert not camera_is_newer(T0, T0 - timedelta(seconds=1))


def test_the_centre_applies_each_version_once_in_any_order() -> None:
    store = InMemoryCentreStore()
    centre = CentreService(store, ["嘉善", "许村"])
    opened = wire(incident_message(record(), 0))
    closed = wire(
        incident_message(record(outcome=Outcome.FALSE_ALARM, closed_by="t-1", closed_at=T0), 2)
    )
    assert centre.receive("嘉善", closed)
    assert not centre.receive("嘉善", opened)  # late: older than what is kept
    assert not centre.receive("嘉善", closed)  # redelivered
    kept = centre.incidents()
    assert len(kept) == 1
    assert kept[0].outcome is Outcome.FALSE_ALARM


def test_the_centre_refuses_another_stations_message_and_garbage_without_raising() -> None:
    store = InMemoryCentreStore()
    centre = CentreService(store, ["嘉善"])
    assert not centre.receive("许村", wire(incident_message(record(station="嘉善"), 0)))
    assert not centre.receive("嘉善", b"\xff not json")
    assert not centre.receive("嘉善", b"[1, 2]")
    assert not centre.receive("嘉善", wire({"kind": "weather", "station": "嘉善"}))
    assert store.list() == []


def test_camera_reports_and_the_overview_per_station() -> None:
    store = InMemoryCentreStore()
    centre = CentreService(store, ["嘉善", "许村", "桐乡"])
    stalled = CameraReport("许村", "cam-1", CameraState.STALLED, T0, "no frame for 12 s")
    assert centre.receive("许村", wire(camera_message(stalled)))
    assert parse_camera(camera_message(stalled)) == stalled
    centre.receive("嘉善", wire(incident_message(record(), 0)))
    centre.receive("嘉善", wire(incident_message(record("i-2", outcome=Outcome.TURNED_BACK), 1)))
    lines = {o.station: o for o in centre.overview()}
    assert list(lines) == ["嘉善", "许村", "桐乡"]
    assert (lines["嘉善"].incidents, lines["嘉善"].open) == (2, 1)
    assert (lines["许村"].cameras, lines["许村"].cameras_down) == (1, 1)
    assert lines["桐乡"].incidents == 0
    assert lines["桐乡"].last_incident is None
    assert overview([], [], [])[:1] == []


class FakeOutbox:
    def __init__(self, payloads: list[str]) -> None:
        self.entries = [OutboxEntry(i, "incident", p) for i, p in enumerate(payloads, 1)]

    def add(self, kind: str, payload: str) -> None:
        self.entries.append(OutboxEntry(len(self.entries) + 100, kind, payload))

    def pending(self, limit: int = 100) -> list[OutboxEntry]:
        return self.entries[:limit]

    def delete(self, entry_id: int) -> None:
        self.entries = [e for e in self.entries if e.entry_id != entry_id]

    def count(self) -> int:
        return len(self.entries)


class FakePublisher:
    """Acknowledges the first `acks` messages it is given (all when None); down when not up."""

    def __init__(self) -> None:
        self.up = True
        self.acks: int | None = None
        self.sent: list[tuple[str, bytes]] = []

    @property
    def connected(self) -> bool:
        return self.up

    def publish(self, topics_payloads: list[tuple[str, bytes]], timeout_s: float) -> list[bool]:
        if not self.up:
            raise LinkDownError("down")
        self.sent += topics_payloads
        n = len(topics_payloads) if self.acks is None else self.acks
        return [i < n for i in range(len(topics_payloads))]


def test_the_forwarder_keeps_everything_while_the_link_is_down_and_catches_up_in_order() -> None:
    outbox = FakeOutbox([f'{{"n": {i}}}' for i in range(5)])
    publisher = FakePublisher()
    forwarder = Forwarder(outbox, publisher, "嘉善", "lg-test", batch=2)
    publisher.up = False
    with pytest.raises(LinkDownError):
        forwarder.drain()
    assert outbox.count() == 5
    publisher.up = True
    assert forwarder.drain() == 5
    assert outbox.count() == 0
    assert [json.loads(p)["n"] for _, p in publisher.sent] == [0, 1, 2, 3, 4]
    assert {t for t, _ in publisher.sent} == {topic("lg-test", "嘉善", "incident")}


def test_an_unacknowledged_message_stays_with_those_after_it() -> None:
    outbox = FakeOutbox(["a", "b", "c"])
    publisher = FakePublisher()
    publisher.acks = 1
    forwarder = Forwarder(outbox, publisher, "嘉善", "lg-test")
    with pytest.raises(LinkDownError, match="2 messages not acknowledged"):
        forwarder.drain_once()
    assert [e.payload for e in outbox.pending()] == ["b", "c"]


def test_a_stations_presence_shows_in_the_overview_once_per_change() -> None:
    at = [T0]
    centre = CentreService(InMemoryCentreStore(), ["嘉善"], now=lambda: at[0])
    assert centre.receive("嘉善", wire(presence_message("嘉善", "online")))
    at[0] = T0 + timedelta(minutes=5)
    assert not centre.receive("嘉善", wire(presence_message("嘉善", "online")))  # retained again
    assert centre.receive("嘉善", wire(presence_message("嘉善", "offline")))
    [line] = centre.overview()
    assert (line.link, line.link_since) == ("offline", T0 + timedelta(minutes=5))
    assert not centre.receive("嘉善", wire({"kind": "station", "station": "嘉善", "state": "?"}))
    with pytest.raises(ValueError, match="online or offline"):
        presence_message("嘉善", "sleepy")
