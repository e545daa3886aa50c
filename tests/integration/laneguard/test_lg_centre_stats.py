"""The centre's statistics across four stations, fed over the real Mosquitto (127.0.0.1:1883,
a topic prefix of the test's own) into the centre's database: per station, class and lane, this
period against the same days a year earlier, and the pages that show them (login first)."""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from laneguard.access.adapters.argon import Argon2Hasher
from laneguard.access.adapters.db import SqlUserRepository
from laneguard.access.domain.users import Role
from laneguard.access.service.users import UserService
from laneguard.app.bootstrap import build_records
from laneguard.app.config import CentreLinkConfig, LaneGuardConfig
from laneguard.app.forwarding import StationLink
from laneguard.centre.adapters.db import SqlCentreStore
from laneguard.centre.adapters.mqtt import LinkSettings, MqttIngest
from laneguard.centre.service.centre import CentreService
from laneguard.core.clock import SystemClock
from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord
from laneguard.records.domain.stats import Dimension, Period
from laneguard.records.service.statistics import StatisticsService
from laneguard.web.centre_app import CentreContext, create_centre_app

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATIONS = ["嘉善", "许村", "嘉兴东", "桐乡"]
PERIOD = Period(date(2026, 1, 1), date(2026, 10, 31))
# (this period, the same days of 2025) per station
COUNTS = {"嘉善": (4, 2), "许村": (3, 3), "嘉兴东": (2, 0), "桐乡": (1, 4)}
PASSWORD = "centre-pass-1"


def until(done: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not done():
        time.sleep(0.05)
    return done()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def centre_engine(request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return engine


def records_of(station: str, now_count: int, before_count: int) -> list[IncidentRecord]:
    out = []
    for n in range(now_count + before_count):
        year = 2026 if n < now_count else 2025
        # 1 January 00:30 in Shanghai is 31 December in UTC: counted by the station's days
        opened = datetime(year, 1 + n % 10, 1, 0, 30, tzinfo=SHANGHAI)
        out.append(
            IncidentRecord(
                incident_id=f"{station}-{n}",
                station=station,
                camera="cam-1",
                zone="z",
                lane=str(1 + n % 2),
                object_class=ObjectClass.BICYCLE if n % 2 else ObjectClass.PEDESTRIAN,
                track_id=n,
                score=0.8,
                opened_at=opened,
                outcome=Outcome.TURNED_BACK if n % 3 else Outcome.FALSE_ALARM,
                closed_by="t-1",
                closed_at=opened + timedelta(minutes=1),
            )
        )
    # one outside both periods: after 31 October in Shanghai
    late = datetime(2026, 11, 1, 0, 10, tzinfo=SHANGHAI)
    out.append(
        IncidentRecord(
            f"{station}-late", station, "cam-1", "z", "1", ObjectClass.PEDESTRIAN, 99, 0.8, late
        )
    )
    return out


def test_statistics_across_four_stations_and_their_pages(
    tmp_path: Path, centre_engine: Engine
) -> None:
    prefix = f"lg-test-{secrets.token_hex(4)}"
    store = SqlCentreStore(centre_engine)
    centre = CentreService(store, STATIONS)
    settings = LinkSettings("127.0.0.1", 1883, client_id=f"{prefix}-centre", topic_prefix=prefix)
    ingest = MqttIngest(settings, centre.receive)
    ingest.start()
    links = []
    try:
        assert ingest.wait_connected(5)
        time.sleep(0.2)
        for i, name in enumerate(STATIONS):
            config = LaneGuardConfig(
                station=name,
                data_dir=tmp_path / f"s{i}",
                centre=CentreLinkConfig(
                    port=1883, tls="off", topic_prefix=prefix, client_id=f"{prefix}-s{i}"
                ),
            )
            records = build_records(config)
            for record in records_of(name, *COUNTS[name]):
                records.incidents.add(record)
            link = StationLink(config, records.engine)
            link.start()
            links.append(link)
        total = sum(a + b + 1 for a, b in COUNTS.values())
        assert until(lambda: len(store.list()) == total)
    finally:
        for link in links:
            link.stop()
        ingest.stop()

    stats = StatisticsService(store, SHANGHAI)
    per_station = {r.key: r for r in stats.rows(PERIOD, Dimension.STATION)}
    assert {k: r.incidents for k, r in per_station.items()} == {
        name: now for name, (now, _) in COUNTS.items()
    }
    assert per_station["嘉善"].false_alarm == 2  # n = 0 and 3
    yoy = stats.year_over_year(PERIOD)
    assert (yoy.current.incidents, yoy.previous.incidents) == (10, 9)
    assert yoy.incidents_change == pytest.approx(1 / 9)
    classes = {r.key: r.incidents for r in stats.rows(PERIOD, Dimension.CLASS)}
    assert classes == {"bicycle": 4, "pedestrian": 6}
    assert {r.key for r in stats.rows(PERIOD, Dimension.LANE)} >= {"嘉善/1", "嘉善/2"}

    users = UserService(SqlUserRepository(centre_engine), Argon2Hasher(), SystemClock())
    users.add("chief", Role.VIEWER, PASSWORD)
    app = create_centre_app(CentreContext("管理中心", "zh-CN", centre, stats, users))
    client = TestClient(app)
    query = "?from=2026-01-01&to=2026-10-31"
    page = client.get(f"/stats{query}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'id="login-form"' in page.text
    assert "嘉善" not in page.text
    assert client.get(f"/api/centre/stats{query}").status_code == 401
    basic = {"authorization": "Basic " + base64.b64encode(f"chief:{PASSWORD}".encode()).decode()}
    answer = client.get(f"/api/centre/stats{query}", headers=basic).json()
    assert answer["incidents_change"] == pytest.approx(1 / 9)
    assert {
        s["station"]: (s["current"], s["previous"]) for s in answer["stations_year_over_year"]
    } == {name: counts for name, counts in COUNTS.items()}
    months = answer["months_year_over_year"]
    assert [m["month"] for m in months] == [f"2026-{n:02d}" for n in range(1, 11)]
    assert sum(m["current"] for m in months) == 10
    assert sum(m["previous"] for m in months) == 9
    assert months[0] == {"month": "2026-01", "current": 4, "previous": 0}
    page = client.get(f"/stats{query}", headers=basic)
    assert page.status_code == 200
    assert page.text.count("<svg") >= 3
    assert all(name in page.text for name in STATIONS)
    assert "同比" in page.text or "本期" in page.text
    english = client.get(f"/stats{query}&lang=en", headers=basic)
    assert "This period" in english.text
    overview = client.get("/api/centre/overview", headers=basic).json()
    assert [s["station"] for s in overview["stations"]] == STATIONS
    assert [s["incidents"] for s in overview["stations"]] == [a + b + 1 for a, b in COUNTS.values()]
    assert {s["last_incident"] for s in overview["stations"]} == {"2026-10-31T16:10:00Z"}
    assert {s["open"] for s in overview["stations"]} == {1}  # the late one, nobody closed it
    incidents = client.get(f"/api/centre/incidents{query}&station=桐乡", headers=basic).json()
    assert len(incidents) == 1
    assert incidents[0]["station"] == "桐乡"
