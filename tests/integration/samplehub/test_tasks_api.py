"""Manual mode on SQLite and PostgreSQL: people carry transport tasks through /api/tasks with
the same records and custody as the robots; the lab carries to and from its benches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo
from samplehub.app.services import Services
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.domain import audit
from samplehub.web.app import create_app


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings, hasher=PlainHasher())
    yield services
    services.close()


@pytest.fixture
def world(services: Services, settings: Settings) -> tuple[TestClient, dict[str, str]]:
    made = seed_demo(services)
    return TestClient(create_app(services, settings)), made


def token(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def carry(
    client: TestClient, who: dict[str, str], task_id: str, number: str, place: str = ""
) -> dict[str, Any]:
    """Claim, scan at the source, scan (and name the slot) at the target."""
    for body in ({"action": "claim"}, {"action": "pick_up", "scan": number}):
        answer = client.post(f"/api/tasks/{task_id}/advance", json=body, headers=who)
        assert answer.status_code == 200, answer.text
    body = {"action": "deliver", "scan": number, "place": place}
    answer = client.post(f"/api/tasks/{task_id}/advance", json=body, headers=who)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def open_task(client: TestClient, who: dict[str, str], number: str) -> dict[str, Any]:
    [task] = [t for t in client.get("/api/tasks", headers=who).json()["open"]
              if t["sample_number"] == number]  # fmt: skip
    return task  # type: ignore[no-any-return]


def test_put_away_to_bench_and_back_by_hand(
    world: tuple[TestClient, dict[str, str]], services: Services
) -> None:
    client, made = world
    number = made["sample_a2"]  # received at the kiosk, its put-away waiting
    staff, lab = token(client, "warehouse"), token(client, "lab")
    queue = client.get("/api/kiosk/transport-requests", headers=staff).json()
    assert number in [r["sample_number"] for r in queue]
    put_away = open_task(client, staff, number)
    done = carry(client, staff, put_away["id"], number, "A-02-1-03")
    assert (done["state"], done["confirmation"]) == ("done", "scan")
    queue = client.get("/api/kiosk/transport-requests", headers=staff).json()
    assert number not in [r["sample_number"] for r in queue]

    asked = client.post(f"/api/lab/samples/{number}/request", json={"bench": "P-01"}, headers=lab)
    assert asked.status_code == 204, asked.text
    to_bench = open_task(client, lab, number)
    assert (to_bench["kind"], to_bench["target"], to_bench["may_carry"]) == (
        "to_bench",
        "lab_bench:P-01",
        True,
    )
    assert carry(client, lab, to_bench["id"], number)["state"] == "done"
    sample = client.get(f"/api/samples/{number}", headers=lab).json()
    assert (sample["state"], sample["location"]) == ("in_lab", "lab_bench:P-01")

    assert client.post(f"/api/lab/samples/{number}/return", headers=lab).status_code == 204
    back = open_task(client, lab, number)
    assert (back["kind"], back["target"]) == ("return", "storage_slot:*")
    carry(client, lab, back["id"], number, "storage_slot:A-02-1-03")
    sample = client.get(f"/api/samples/{number}", headers=lab).json()
    assert (sample["state"], sample["location"]) == ("stored", "storage_slot:A-02-1-03")

    with services.uow_factory() as uow:
        kinds = [(t.kind.value, t.state.value, t.carrier) for t in uow.tasks.for_sample(number)]
        records = uow.audit.records()
    assert kinds == [
        ("put_away", "done", "staff:warehouse"),
        ("to_bench", "done", "staff:lab"),
        ("return", "done", "staff:lab"),
    ]
    assert audit.verify(records).ok
    customer = token(client, "cust-a")
    timeline = client.get(f"/api/samples/{number}/timeline", headers=customer).json()
    steps = [(e["task"], e["carrier"], e["location"]) for e in timeline if e["task"]]
    assert steps[-1] == (back["id"], "staff:lab", "storage_slot:A-02-1-03")


def test_refusals_change_nothing(world: tuple[TestClient, dict[str, str]]) -> None:
    client, made = world
    number = made["sample_a2"]
    staff = token(client, "warehouse")
    task = open_task(client, staff, number)
    url = f"/api/tasks/{task['id']}/advance"
    early = client.post(url, json={"action": "deliver", "scan": number}, headers=staff)
    assert early.status_code == 422
    client.post(url, json={"action": "claim"}, headers=staff)
    wrong = client.post(url, json={"action": "pick_up", "scan": made["sample_a1"]}, headers=staff)
    assert wrong.status_code == 422
    assert "wrong sample" in wrong.json()["message"]
    other = token(client, "admin")
    taken = client.post(url, json={"action": "pick_up", "scan": number}, headers=other)
    assert taken.status_code == 422  # staff:warehouse has it
    assert client.get(f"/api/tasks/{task['id']}", headers=staff).json()["state"] == "assigned"
    assert client.get("/api/tasks", headers=token(client, "kiosk")).status_code == 403
    bad = client.post(url, json={"action": "teleport"}, headers=staff)
    assert bad.status_code == 422
