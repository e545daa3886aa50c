"""The live fleet map inside the main app: mounted only when a fleet is given, for staff only."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD
from samplehub.app.services import Services
from samplehub.app.wiring import fleet as fleet_wiring
from samplehub.web.app import create_app
from tests.unit.samplehub.fleet.fakes import FakeFleet


@pytest.fixture
def fleet_client(
    web_services: Services, settings: Settings, made: dict[str, str]
) -> Iterator[TestClient]:
    with TestClient(create_app(web_services, settings, FakeFleet())) as test_client:
        yield test_client


@pytest.fixture
def log_in(fleet_client: TestClient, csrf_of: Callable[[str], str]) -> Callable[[str], TestClient]:
    def as_user(username: str) -> TestClient:
        form = fleet_client.get("/login")
        answer = fleet_client.post(
            "/login",
            data={"username": username, "password": DEMO_PASSWORD, "csrf": csrf_of(form.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return fleet_client

    return as_user


def test_staff_see_the_live_map_and_what_a_robot_holds(log_in: Callable[[str], TestClient]) -> None:
    client = log_in("warehouse")
    page = client.get("/fleet", follow_redirects=True)
    assert page.status_code == 200
    assert "<svg" in page.text
    assert client.get("/api/fleet/snapshot").json()["robots"] == [{"serial": "R01"}]
    assert client.get("/api/fleet/robots/R01").json()["serial"] == "R01"
    assert client.get("/api/fleet/robots/R99").status_code == 404
    events = client.get("/api/fleet/events?limit=1")
    assert events.headers["content-type"].startswith("text/event-stream")
    assert '"serial": "R01"' in events.text


def test_anonymous_visitors_are_sent_to_login_and_the_api_refuses_them(
    fleet_client: TestClient,
) -> None:
    page = fleet_client.get("/fleet/map", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login"
    assert fleet_client.get("/api/fleet/snapshot").status_code == 401


def test_customers_may_not_see_the_fleet(log_in: Callable[[str], TestClient]) -> None:
    client = log_in("cust-a")
    assert client.get("/fleet/map").status_code == 403
    assert client.get("/api/fleet/slots/A-01-1-01").status_code == 403


def test_without_a_fleet_the_app_has_no_map(client: TestClient) -> None:
    assert client.get("/fleet/map").status_code == 404
    assert client.get("/api/fleet/snapshot").status_code == 404


def test_the_fleet_drives_on_the_shipped_site_map_or_not_at_all(tmp_path: Path) -> None:
    missing = Settings(storage={"site_file": tmp_path / "missing.yaml"})
    assert fleet_wiring.site_map_section(missing) is None
    site = fleet_wiring.site_map_section(Settings())
    assert site is not None
    assert {n.get("kind") for n in site["nodes"]} >= {"intake", "rack_access", "parking"}


def test_manual_mode_runs_no_fleet(web_services: Services) -> None:
    settings = Settings(secret_key="unit-test-secret", fleet={"mode": "manual"})
    assert fleet_wiring.fleet_supervisor(settings, web_services) is None


def test_more_simulated_robots_than_parking_places_is_refused_at_start(
    web_services: Services,
) -> None:
    settings = Settings(secret_key="unit-test-secret", fleet={"robots": 20})
    with pytest.raises(ValueError, match=r"fleet\.robots: 20"):
        fleet_wiring.fleet_supervisor(settings, web_services)


def test_the_map_shows_the_fleet_serve_runs(
    web_services: Services, settings: Settings, made: dict[str, str], csrf_of: Callable[[str], str]
) -> None:
    supervisor = fleet_wiring.fleet_supervisor(settings, web_services)
    assert supervisor is not None
    idle = supervisor.snapshot()  # no worker here (not started, or another process leads)
    assert idle["robots"] == []
    assert {n["kind"] for n in idle["site"]["nodes"]} >= {"intake", "parking"}
    supervisor.start()
    try:
        with TestClient(create_app(web_services, settings, supervisor)) as client:
            form = client.get("/login")
            client.post(
                "/login",
                data={"username": "warehouse", "password": DEMO_PASSWORD,
                      "csrf": csrf_of(form.text)},
            )  # fmt: skip
            deadline = time.monotonic() + 10
            while len(client.get("/api/fleet/snapshot").json()["robots"]) < 4:
                assert time.monotonic() < deadline, "the served fleet's robots never showed"
                time.sleep(0.05)
            snapshot = client.get("/api/fleet/snapshot").json()
            assert snapshot["role"] == "leader"
            assert {n["kind"] for n in snapshot["site"]["nodes"]} >= {"intake", "parking"}
            assert client.get("/api/fleet/robots/R01").json()["serial"] == "R01"
    finally:
        supervisor.stop()
