"""Concurrent certificate steps (issue 14, finding 8): a step checked the version it read in its
own transaction, so an approval made on a page loaded before a return-for-rework overwrote the
return. Now the caller's version goes into the UPDATE's WHERE clause: the stale approval gets
409 naming the current version, and the returned certificate stays returned. SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from samplehub.app.config import Settings
from samplehub.core.domain.errors import StaleVersion
from samplehub.lab.adapters.db import SqlCertificates
from samplehub.web.app import create_app
from tests.security.samplehub_site import csrf_of, seeded, signed_in, site_settings

POINTS = [
    ("0", "0.000", "0.000", "0.002", "0.002"),
    ("0.4", "0.402", "0.404", "0.408", "0.410"),
    ("0.8", "0.806", "0.808", "0.812", "0.812"),
    ("1.2", "1.204", "1.206", "1.212", "1.214"),
    ("1.6", "1.610", "1.612", "1.612", "1.612"),
]
FIELDS = ("standard", "up_before_tap", "up_after_tap", "down_before_tap", "down_after_tap")
World = tuple[TestClient, Settings, str]


@pytest.fixture
def reviewed(tmp_path: Path, sh_database_url: str) -> Iterator[World]:
    """A reviewed gauge certificate, waiting for approval."""
    settings = site_settings(tmp_path, sh_database_url)
    for services, made in seeded(settings):
        app = create_app(services, settings)
        client = TestClient(app)
        lab, lab2 = signed_in(app, "lab")[1], signed_in(app, "lab2")[1]
        number = made["sample_a3"]
        moved = client.post(
            f"/api/lab/samples/{number}/request", json={"bench": "P-01"}, headers=lab
        )
        assert moved.status_code == 204, moved.text
        assert client.post("/api/lab/scan", json={"scan": number}, headers=lab).status_code == 200
        body = {
            "range_min": "0",
            "range_max": "1.6",
            "unit": "MPa",
            "accuracy_class": "1.6",
            "zero_deviations": ["0", "0.002"],
            "points": [dict(zip(FIELDS, row, strict=True)) for row in POINTS],
        }
        entered = client.post(f"/api/lab/samples/{number}/gauge-results", json=body, headers=lab)
        assert entered.status_code == 201, entered.text
        cert = entered.json()["number"]
        done = client.post(f"/api/lab/certificates/{cert}/review", headers=lab2)
        assert done.status_code == 200, done.text
        yield client, settings, cert


def test_a_stale_approval_gets_409_naming_the_current_version(reviewed: World) -> None:
    client, _settings, cert = reviewed
    app = client.app
    approver = signed_in(app, "approver")[1]  # type: ignore[arg-type]
    lab2 = signed_in(app, "lab2")[1]  # type: ignore[arg-type]
    loaded = client.get(f"/api/lab/certificates/{cert}", headers=approver).json()
    assert loaded["status"] == "reviewed"
    returned = client.post(
        f"/api/lab/certificates/{cert}/return",
        json={"reason": "point 0.8 re-read", "version": loaded["version"]},
        headers=lab2,
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["version"] == loaded["version"] + 1

    stale = client.post(
        f"/api/lab/certificates/{cert}/approve",
        headers=approver | {"If-Match": f'"{loaded["version"]}"'},
    )
    assert stale.status_code == 409, stale.text
    assert stale.json()["error"] == "stale_version"
    assert stale.json()["current_version"] == loaded["version"] + 1
    assert f"version {loaded['version'] + 1}" in stale.json()["message"]
    now = client.get(f"/api/lab/certificates/{cert}", headers=approver).json()
    assert (now["status"], now["approved_by"]) == ("draft", None)  # the return stands


def test_a_stale_approval_from_the_page_is_refused(reviewed: World) -> None:
    client, _, cert = reviewed
    page, _ = signed_in(client.app, "approver")  # type: ignore[arg-type]
    lab2 = signed_in(client.app, "lab2")[1]  # type: ignore[arg-type]
    console = page.get("/lab").text
    assert f'action="/lab/certificates/{cert}/approve"' in console
    assert "<h3>待批准</h3>" in console  # the waiting lists named in the page's language
    english = page.get("/lab?lang=en").text
    assert "<h3>Awaiting approval</h3>" in english
    assert "待批准" not in english
    console = page.get("/lab?lang=zh-CN").text
    loaded = client.get(f"/api/lab/certificates/{cert}", headers=lab2).json()["version"]
    assert f'name="version" value="{loaded}"' in console
    returned = client.post(
        f"/api/lab/certificates/{cert}/return", json={"reason": "re-read"}, headers=lab2
    )
    assert returned.status_code == 200, returned.text
    stale = page.post(
        f"/lab/certificates/{cert}/approve",
        data={"csrf": csrf_of(console), "version": str(loaded)},
    )
    assert stale.status_code == 409
    assert client.get(f"/api/lab/certificates/{cert}", headers=lab2).json()["status"] == "draft"


def test_the_update_checks_the_loaded_version_not_one_read_in_its_transaction(
    reviewed: World,
) -> None:
    """Two transactions load the same certificate; the second to save is refused."""
    _, settings, cert = reviewed
    engine = create_engine(settings.resolved_database_url())
    try:
        with engine.connect() as first_conn, engine.connect() as second_conn:
            first = SqlCertificates(first_conn).get(cert)
            second = SqlCertificates(second_conn).get(cert)
            assert first is not None
            assert second is not None
            first_conn.rollback()
            second_conn.rollback()
            SqlCertificates(first_conn).save(first)
            first_conn.commit()
            with pytest.raises(StaleVersion) as refused:
                SqlCertificates(second_conn).save(second)
            second_conn.rollback()
        assert (refused.value.expected, refused.value.current) == (
            second.version,
            second.version + 1,
        )
    finally:
        engine.dispose()
