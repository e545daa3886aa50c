"""The API over the real SQL stores (SQLite and PostgreSQL): login, tenant isolation, a move."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo
from samplehub.app.services import Services
from samplehub.web.app import create_app


@pytest.fixture
def api(services: Services, settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    made = seed_demo(services)
    with TestClient(create_app(services, settings)) as client:
        yield client, made


def _bearer(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_customer_reads_own_sample_and_not_anothers(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, made = api
    own = client.get(f"/api/samples/{made['sample_a5']}", headers=_bearer(client, "cust-a"))
    assert own.status_code == 200
    assert own.json()["state"] == "staged"
    assert own.json()["instrument"]["range_max"] == "25"
    theirs = client.get(f"/api/samples/{made['sample_a5']}", headers=_bearer(client, "cust-b"))
    assert theirs.status_code == 404
    listed = client.get("/api/samples?limit=2&offset=1", headers=_bearer(client, "cust-a"))
    assert listed.json()["total"] == 5
    assert len(listed.json()["items"]) == 2


def test_a_move_and_a_refused_move_through_the_api(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, made = api
    headers = _bearer(client, "admin")
    number = made["sample_a1"]
    moved = client.post(
        f"/api/samples/{number}/transitions",
        json={"transition": "receive", "location": "intake_platform:K1"},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    refused = client.post(
        f"/api/samples/{number}/transitions",
        json={"transition": "collect", "location": "customer:x"},
        headers=headers,
    )
    assert refused.status_code == 409
    assert refused.json()["current"] == "received"
    timeline = client.get(f"/api/samples/{number}/timeline", headers=headers).json()
    moves = [e["state"] for e in timeline if e["task"] is None]  # its put-away task's steps aside
    assert moves == ["registered", "received"]
    verified = client.get("/api/audit/verify", headers=headers).json()
    assert verified["ok"] is True
