"""/status and ``GET /api/status`` (系统状态): an admin sees each part of the installation as
``app/status.py`` reads it (a notice given up, robots offline, no nightly backup set); nobody
else does."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD
from samplehub.app.services import Services
from samplehub.app.status import StatusReader
from samplehub.core.adapters.memory import FixedClock
from samplehub.core.domain.outbox import OutboxMessage, OutboxStatus
from samplehub.web.app import create_app

Csrf = Callable[[str], str]


def fleet_snapshot() -> dict[str, Any]:
    robots = [{"serial": "R01", "online": True}, {"serial": "R02", "online": False}]
    return {"role": "leader", "robots": robots, "known": ["R01", "R02", "R03"]}


@pytest.fixture
def status_client(
    web_services: Services,
    settings: Settings,
    made: dict[str, str],
    clock: FixedClock,
    tmp_path: Path,
) -> Iterator[TestClient]:
    settings = settings.model_copy(update={"data_dir": tmp_path})
    given_up = dataclasses.replace(
        OutboxMessage.new("N1", "pickup_code", "sms", "13800000000", "取件码", "…", "k1", clock.at),
        status=OutboxStatus.FAILED,
        last_attempt_at=clock.at,
    )
    with web_services.uow_factory() as uow:
        uow.outbox.add(given_up)
        uow.commit()
    reader = StatusReader(settings, web_services, fleet_snapshot)
    with TestClient(create_app(web_services, settings, status=reader)) as client:
        yield client


def _token(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_an_admin_reads_each_part_and_the_worst_level(status_client: TestClient) -> None:
    answer = status_client.get("/api/status", headers=_token(status_client, "admin"))
    assert answer.status_code == 200
    body = answer.json()
    levels = {c["key"]: c["level"] for c in body["checks"]}
    assert levels == {
        "disk": levels["disk"],  # this machine's disk, whatever it holds
        "backup": "warn",  # no backup.folder
        "outbox": "bad",  # one notice given up
        "anchors": "ok",  # the demo's records, just made: their first anchor is not late yet
        "devices": "ok",  # no sample waits for its label or tag again
        "storage": "ok",  # no site loaded: no slot to fill
        "fleet": "warn",
    }
    assert body["level"] == "bad"
    fleet = next(c for c in body["checks"] if c["key"] == "fleet")
    assert fleet["values"] == {"online": 1, "total": 3, "offline": "R02, R03"}


def test_the_page_says_it_in_chinese_and_only_admins_see_it(
    status_client: TestClient, csrf_of: Csrf
) -> None:
    form = status_client.get("/login")
    status_client.post(
        "/login",
        data={"username": "admin", "password": DEMO_PASSWORD, "csrf": csrf_of(form.text)},
    )
    page = status_client.get("/status")
    assert page.status_code == 200
    assert "系统状态" in page.text
    assert 'data-level="bad"' in page.text
    assert "近 7 天有 1 条通知发送失败" in page.text
    assert "离线：R02, R03" in page.text
    assert 'href="/status"' in page.text  # in the admin's navigation
    warehouse = _token(status_client, "warehouse")
    assert status_client.get("/api/status", headers=warehouse).status_code == 403
