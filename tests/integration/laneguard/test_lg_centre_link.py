"""Station to centre over the real Mosquitto at 127.0.0.1:1883 (a topic prefix and client ids
of each test's own): a station whose link is down keeps recording, its outbox grows, and when
the link returns the centre catches up with every incident, acknowledgement and camera state,
none lost and none twice; a centre that was away gets what the broker kept for its session;
messages delivered again change nothing."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from laneguard.app.bootstrap import Records, build_records
from laneguard.app.config import CentreLinkConfig, LaneGuardConfig
from laneguard.app.forwarding import StationLink
from laneguard.centre.adapters.db import SqlCentreStore, centre_incidents_table
from laneguard.centre.adapters.mqtt import LinkSettings, MqttIngest
from laneguard.centre.service.centre import CentreService
from laneguard.core.domain.cameras import CameraHealthChanged, CameraState
from laneguard.core.domain.forwarding import INCIDENT, incident_message
from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord, StaleIncidentError
from laneguard.core.errors import StorageError
from laneguard.records.adapters.outbox import SqlOutbox
from laneguard.simulation.broker import free_port

BROKER = ("127.0.0.1", 1883)
T0 = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)


def until(done: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.05)
    return done()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def centre_engine(request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return engine


@pytest.fixture
def prefix() -> str:
    return f"lg-test-{secrets.token_hex(4)}"


class Centre:
    def __init__(self, engine: Engine, prefix: str) -> None:
        self.store = SqlCentreStore(engine)
        self.service = CentreService(self.store, [])
        self.engine = engine
        self.settings = LinkSettings(*BROKER, client_id=f"{prefix}-centre", topic_prefix=prefix)
        self.ingest: MqttIngest | None = None

    def start(self) -> None:
        self.ingest = MqttIngest(self.settings, self.service.receive)
        self.ingest.start()
        assert self.ingest.wait_connected(5)
        time.sleep(0.2)  # the subscription's SUBACK

    def stop(self) -> None:
        assert self.ingest is not None
        self.ingest.stop()

    def closed(self) -> int:
        return sum(1 for r in self.store.list() if r.outcome is not None)

    def rows(self) -> int:
        with self.engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(centre_incidents_table))
            return int(count.scalar_one())


@pytest.fixture
def centre(centre_engine: Engine, prefix: str) -> Iterator[Centre]:
    c = Centre(centre_engine, prefix)
    c.start()
    yield c
    if c.ingest is not None:
        c.ingest.stop()


def station(tmp_path: Path, name: str, prefix: str, port: int) -> tuple[LaneGuardConfig, Records]:
    config = LaneGuardConfig(
        station=name,
        data_dir=tmp_path / name,
        centre=CentreLinkConfig(
            host=BROKER[0],
            port=port,
            tls="off",
            topic_prefix=prefix,
            client_id=f"{prefix}-station-{name.encode().hex()}",
            retry_s=0.2,
        ),
    )
    return config, build_records(config)


def incident(station_name: str, n: int, at: datetime = T0) -> IncidentRecord:
    return IncidentRecord(
        incident_id=f"{station_name}-{n:03d}",
        station=station_name,
        camera="cam-1",
        zone="lane-2-zone",
        lane=str(2 + n % 2),
        object_class=(ObjectClass.PEDESTRIAN, ObjectClass.BICYCLE, ObjectClass.MOTORCYCLE)[n % 3],
        track_id=n,
        score=0.7,
        opened_at=at + timedelta(minutes=n),
        snapshot_jpeg=b"\xff\xd8",
    )


def linked(config: LaneGuardConfig, records: Records, port: int) -> StationLink:
    assert config.centre is not None
    config.centre.port = port
    link = StationLink(config, records.engine)
    link.start()
    return link


def test_link_down_then_back_the_centre_catches_up_without_loss_or_duplicates(
    tmp_path: Path, centre: Centre, prefix: str
) -> None:
    config, records = station(tmp_path, "嘉善", prefix, BROKER[1])
    closed_port = free_port()  # nothing listens there: the link is down
    down = linked(config, records, closed_port)
    try:
        for n in range(20):  # the station keeps working: incidents, ends, acknowledgements
            records.incidents.add(incident("嘉善", n))
        for n in range(0, 20, 2):
            r = records.incidents.get(f"嘉善-{n:03d}")
            assert r is not None
            r.close(Outcome.TURNED_BACK, "t-1", T0 + timedelta(hours=1))
            records.incidents.save(r)
        change = CameraHealthChanged("cam-1", CameraState.STALLED, T0, "no frame for 12 s")
        down.camera_changed(change)
        assert down.outbox.count() == 31
        time.sleep(1.0)
        assert centre.rows() == 0
        assert not down.publisher.connected
    finally:
        down.stop()
    up = linked(config, records, BROKER[1])  # the link returns
    try:
        assert until(lambda: up.outbox.count() == 0)  # the broker took every message
        assert until(lambda: centre.service.presence.get("嘉善", ("",))[0] == "online")
        assert until(lambda: centre.closed() == 10 and len(centre.store.cameras()) == 1)
    finally:
        up.stop()
    assert until(lambda: centre.service.presence["嘉善"][0] == "offline")  # said at a clean stop
    kept = {r.incident_id: r for r in centre.store.list()}
    assert sorted(kept) == [f"嘉善-{n:03d}" for n in range(20)]
    assert {n for n in range(20) if kept[f"嘉善-{n:03d}"].outcome is Outcome.TURNED_BACK} == set(
        range(0, 20, 2)
    )
    assert {r.version for r in kept.values()} == {0, 1}
    [camera] = centre.store.cameras()
    assert (camera.station, camera.state) == ("嘉善", CameraState.STALLED)

    # Everything delivered again, the opening versions last: nothing doubles or goes back.
    again = linked(config, records, BROKER[1])
    try:
        for r in records.incidents.list():
            again.outbox.add(INCIDENT, _json(incident_message(r, r.version)))
        for n in range(20):
            again.outbox.add(INCIDENT, _json(incident_message(incident("嘉善", n), 0)))
        records.incidents.add(incident("嘉善", 20))  # last in line: once it is there, all are
        assert until(lambda: again.outbox.count() == 0 and centre.rows() == 21)
    finally:
        again.stop()
    closed = [r for r in centre.store.list() if r.outcome is Outcome.TURNED_BACK]
    assert len(closed) == 10


def test_a_centre_that_was_away_gets_what_the_broker_kept_for_it(
    tmp_path: Path, centre: Centre, prefix: str
) -> None:
    config, records = station(tmp_path, "许村", prefix, BROKER[1])
    centre.stop()  # its session stays on the broker (clean start off, session expiry)
    link = linked(config, records, BROKER[1])
    try:
        for n in range(5):
            records.incidents.add(incident("许村", n))
        assert until(lambda: link.outbox.count() == 0)  # the broker took them (PUBACK)
        assert centre.rows() == 0
        centre.start()  # same client id: the queued messages arrive
        assert until(lambda: centre.rows() == 5)
    finally:
        link.stop()


def test_an_outbox_row_is_written_with_the_incident_or_not_at_all(
    tmp_path: Path, prefix: str
) -> None:
    _config, records = station(tmp_path, "桐乡", prefix, BROKER[1])
    records.incidents.add(incident("桐乡", 1))
    outbox = SqlOutbox(records.engine)
    assert outbox.count() == 1
    with pytest.raises(StorageError):
        records.incidents.add(incident("桐乡", 1))  # same id: refused, and no message either
    assert outbox.count() == 1
    stale = incident("桐乡", 1)
    stale.version = 5
    with pytest.raises(StaleIncidentError):
        records.incidents.save(stale)
    assert outbox.count() == 1


def _json(message: dict[str, object]) -> str:
    return json.dumps(message, ensure_ascii=False)


def test_a_centre_whose_database_fails_a_while_loses_nothing(
    tmp_path: Path, sqlite_engine: Engine, prefix: str
) -> None:
    centre = Centre(sqlite_engine, prefix)
    failures = [3]

    def flaky(station_name: str, payload: bytes) -> bool:
        if failures[0] > 0:
            failures[0] -= 1
            raise StorageError("database unavailable (test)")
        return centre.service.receive(station_name, payload)

    ingest = MqttIngest(centre.settings, flaky)
    ingest.start()
    assert ingest.wait_connected(5)
    time.sleep(0.2)
    config, records = station(tmp_path, "嘉兴东", prefix, BROKER[1])
    link = linked(config, records, BROKER[1])
    try:
        for n in range(4):
            records.incidents.add(incident("嘉兴东", n))
        assert until(lambda: centre.rows() == 4)
    finally:
        link.stop()
        ingest.stop()
    assert failures == [0]


def test_a_station_that_joins_a_centre_sends_its_history_once(
    tmp_path: Path, centre: Centre, prefix: str
) -> None:
    config, _ = station(tmp_path, "许村", prefix, BROKER[1])
    alone = build_records(config.model_copy(update={"centre": None}))  # before the centre
    for n in range(3):
        alone.incidents.add(incident("许村", n))
    assert SqlOutbox(alone.engine).count() == 0
    records = build_records(config)
    link = linked(config, records, BROKER[1])
    try:
        assert until(lambda: centre.rows() == 3)
    finally:
        link.stop()
    again = StationLink(config, records.engine)
    assert again.backfill() == 0  # once per centre
