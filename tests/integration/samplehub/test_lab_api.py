"""The lab API on SQLite and PostgreSQL: bench moves, results, the four eyes, bad input."""

from __future__ import annotations

import hashlib
import re
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
from samplehub.core.service import queries
from samplehub.web.app import create_app

READINGS = [
    ("0", "0.000", "0.000", "0.002", "0.002"),
    ("0.4", "0.402", "0.404", "0.408", "0.410"),
    ("0.8", "0.806", "0.808", "0.812", "0.812"),
    ("1.2", "1.204", "1.206", "1.212", "1.214"),
    ("1.6", "1.610", "1.612", "1.612", "1.612"),
]
FIELDS = ("standard", "up_before_tap", "up_after_tap", "down_before_tap", "down_after_tap")


def gauge_body(points: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "range_min": "0",
        "range_max": "1.6",
        "unit": "MPa",
        "accuracy_class": "1.6",
        "zero_deviations": ["0", "0.002"],
        "points": points
        if points is not None
        else [dict(zip(FIELDS, row, strict=True)) for row in READINGS],
    }
    return body | changes


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    """The database services with a cheap password hasher: the demo seeds eight logins."""
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings, hasher=PlainHasher())
    yield services
    services.close()


@pytest.fixture
def world(services: Services, settings: Settings) -> tuple[TestClient, dict[str, str]]:
    made = seed_demo(services)
    client = TestClient(create_app(services, settings))
    return client, made


def token(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/auth/token", json={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def at_bench(client: TestClient, lab: dict[str, str], number: str) -> None:
    done = client.post(f"/api/lab/samples/{number}/request", json={"bench": "P-01"}, headers=lab)
    assert done.status_code == 204, done.text
    arrived = client.post("/api/lab/scan", json={"scan": number.lower()}, headers=lab)
    assert arrived.status_code == 200, arrived.text
    assert arrived.json() == {"sample": number, "location": "lab_bench:P-01"}


def test_from_storage_to_issued_certificate_by_three_people(
    world: tuple[TestClient, dict[str, str]], services: Services
) -> None:
    client, made = world
    lab, lab2, approver = (token(client, u) for u in ("lab", "lab2", "approver"))
    number = made["sample_a3"]  # stored in A-03-2-07
    queues = client.get("/api/lab/queues", headers=lab).json()
    assert number in [item["sample"] for item in queues["queues"]["pressure"]]
    at_bench(client, lab, number)
    bench = client.get("/api/lab/queues", headers=lab).json()["benches"]["P-01"]
    assert [(i["sample"], i["assignee"]) for i in bench] == [(number, "lab")]

    entered = client.post(
        f"/api/lab/samples/{number}/gauge-results", json=gauge_body(), headers=lab
    )
    assert entered.status_code == 201, entered.text
    cert = entered.json()["number"]
    assert entered.json()["decision"] == "合格"

    assert client.post(f"/api/lab/certificates/{cert}/review", headers=lab).status_code == 403
    reviewed = client.post(f"/api/lab/certificates/{cert}/review", headers=lab2)
    assert reviewed.json()["reviewed_by"] == "lab2"
    assert client.post(f"/api/lab/certificates/{cert}/approve", headers=lab2).status_code == 403
    early = client.post(f"/api/lab/certificates/{cert}/issue", headers=lab)
    assert 400 <= early.status_code < 500
    assert "approved" in early.json()["message"]
    approved = client.post(f"/api/lab/certificates/{cert}/approve", headers=approver)
    assert approved.json()["status"] == "approved"
    issued = client.post(f"/api/lab/certificates/{cert}/issue", headers=lab).json()

    pdf = client.get(f"/api/lab/certificates/{cert}/pdf", headers=lab)
    assert pdf.content.startswith(b"%PDF")
    assert issued["pdf_sha256"] == hashlib.sha256(pdf.content).hexdigest()
    visitor = TestClient(client.app)
    assert visitor.get(f"/verify/{cert}").status_code == 404  # a number finds nothing
    qr_path = issued["verify_url"].split("://", 1)[1].split("/", 1)[1]
    public = visitor.get(f"/{qr_path}?lang=en")
    assert public.status_code == 200
    assert issued["pdf_sha256"] in public.text
    assert "合格" in public.text
    assert number in public.text
    assert 'data-testid="verify-signature" class="ok"' in public.text
    assert "certificate signing" in public.text  # the signer named
    check = services.lab.deps.checker if services.lab else None
    assert check is not None
    assert check.check_pdf(pdf.content).valid
    dcc = client.get(f"/api/lab/certificates/{cert}/dcc", headers=lab)
    assert dcc.status_code == 200
    assert b"digitalCalibrationCertificate" in dcc.content

    assert client.post(f"/api/lab/samples/{number}/return", headers=lab).status_code == 204
    sample = client.get(f"/api/samples/{number}", headers=lab).json()
    assert (sample["state"], sample["location"]) == ("calibrated", "lab_bench:P-01")
    with services.uow_factory() as uow:
        kinds = [(t.kind.value, t.state.value) for t in uow.tasks.for_sample(number)]
    assert kinds[-2:] == [("to_bench", "done"), ("return", "created")]  # waits for a carrier

    with services.uow_factory() as uow:
        records = uow.audit.records(sample_number=number)
    steps = [(r.event_type, r.actor) for r in records if r.event_type == "CertificateStep"]
    assert steps == [
        ("CertificateStep", "lab"),
        ("CertificateStep", "lab2"),
        ("CertificateStep", "approver"),
        ("CertificateStep", "lab"),
    ]
    assert queries.verify_audit(services.uow_factory).ok


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (gauge_body([dict(zip(FIELDS, row, strict=True)) for row in READINGS[:4]]), "points"),
        (
            gauge_body(
                [dict(zip(FIELDS, row, strict=True)) for row in READINGS[:4]]
                + [dict(zip(FIELDS, ("1.8", "1.8", "1.8", "1.8", "1.8"), strict=True))]
            ),
            "1.8",
        ),
        (
            gauge_body(
                [dict(zip(FIELDS, row, strict=True)) for row in READINGS[:2]]
                + [dict(zip(FIELDS, ("0.8", "0.806", "abc", "0.812", "0.812"), strict=True))]
                + [dict(zip(FIELDS, row, strict=True)) for row in READINGS[3:]]
            ),
            "points[2].up_after_tap",
        ),
        (
            gauge_body(
                [dict(zip(FIELDS, row, strict=True)) for row in READINGS[:3]]
                + [dict(zip(FIELDS, ("1.2", "1,204", "1.206", "1.212", "1.214"), strict=True))]
                + [dict(zip(FIELDS, row, strict=True)) for row in READINGS[4:]]
            ),
            "points[3].up_before_tap",
        ),
        (
            gauge_body(
                [dict(zip(FIELDS, row, strict=True)) for row in READINGS[:4]]
                + [{"standard": "1.6", "up_before_tap": "1.61", "up_after_tap": "1.612"}]
            ),
            "points[4].down_before_tap",
        ),
    ],
    ids=["too-few-points", "out-of-range", "non-numeric", "decimal-comma", "missing-reading"],
)
def test_bad_readings_are_refused_naming_the_point_and_nothing_is_saved(
    world: tuple[TestClient, dict[str, str]], services: Services, body: dict[str, Any], field: str
) -> None:
    client, made = world
    lab = token(client, "lab")
    number = made["sample_a3"]
    at_bench(client, lab, number)
    with services.uow_factory() as uow:
        before = len(uow.audit.records())
    refused = client.post(f"/api/lab/samples/{number}/gauge-results", json=body, headers=lab)
    assert refused.status_code == 422, refused.text
    assert field in refused.text
    assert client.get(f"/api/lab/certificates?sample={number}", headers=lab).json() == []
    with services.uow_factory() as uow:
        assert len(uow.audit.records()) == before


@pytest.mark.parametrize(
    ("sheet", "named"),
    [
        (
            "standard,up_before_tap,up_after_tap,down_before_tap,down_after_tap,note\n"
            + "\n".join(",".join(row) + ",x" for row in READINGS),
            "F",
        ),
        (
            "standard,up_before_tap,up_after_tap,down_before_tap\n"
            + "\n".join(",".join(row[:4]) for row in READINGS),
            "down_after_tap",
        ),
        (
            "standard,up_before_tap,up_after_tap,down_before_tap,down_after_tap\n"
            + "\n".join(",".join(row) for row in READINGS).replace("0.806", "0.8o6"),
            "B4",
        ),
    ],
    ids=["extra-column", "missing-column", "bad-cell"],
)
def test_bad_sheets_name_the_cell_or_column_and_save_nothing(
    world: tuple[TestClient, dict[str, str]], sheet: str, named: str
) -> None:
    client, made = world
    lab = token(client, "lab")
    number = made["sample_a3"]
    at_bench(client, lab, number)
    params = {
        "range_min": "0",
        "range_max": "1.6",
        "accuracy_class": "1.6",
        "zero_before": "0",
        "zero_after": "0",
    }
    refused = client.post(
        f"/api/lab/samples/{number}/sheet",
        params=params,
        files={"sheet": ("readings.csv", sheet.encode(), "text/csv")},
        headers=lab,
    )
    assert refused.status_code in (400, 422), refused.text
    assert named in refused.json()["message"] or named in str(refused.json().get("field"))
    assert client.get(f"/api/lab/certificates?sample={number}", headers=lab).json() == []
    good = "standard,up_before_tap,up_after_tap,down_before_tap,down_after_tap\n" + "\n".join(
        ",".join(row) for row in READINGS
    )
    accepted = client.post(
        f"/api/lab/samples/{number}/sheet",
        params=params,
        files={"sheet": ("readings.csv", good.encode(), "text/csv")},
        headers=lab,
    )
    assert accepted.status_code == 201, accepted.text


def test_customers_and_kiosks_cannot_use_the_lab_api(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, _ = world
    for username in ("cust-a", "kiosk"):
        assert client.get("/api/lab/queues", headers=token(client, username)).status_code == 403


def test_verify_pages_are_rate_limited_per_address(services: Services, settings: Settings) -> None:
    limited = settings.model_copy(
        update={"signing": settings.signing.model_copy(update={"verify_per_minute": 3})}
    )
    visitor = TestClient(create_app(services, limited))
    answers = [visitor.get(f"/verify/guess-{i}").status_code for i in range(4)]
    assert answers == [404, 404, 404, 429]


def test_the_work_page_imports_a_gauge_sheet_as_a_draft(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, made = world
    lab = token(client, "lab")
    number = made["sample_a3"]
    at_bench(client, lab, number)
    page = TestClient(client.app)
    csrf = _csrf(page.get("/login").text)
    login = {"username": "lab", "password": DEMO_PASSWORD, "csrf": csrf}
    assert page.post("/login", data=login, follow_redirects=False).status_code == 303
    sheet = "standard,up_before_tap,up_after_tap,down_before_tap,down_after_tap\n" + "\n".join(
        ",".join(row) for row in READINGS
    )
    form = {"range_min": "0", "range_max": "1.6", "accuracy_class": "1.6", "zero_before": "0"}
    done = page.post(
        f"/lab/samples/{number}/import",
        data=form | {"zero_after": "0", "csrf": _csrf(page.get(f"/lab/samples/{number}").text)},
        files={"sheet": ("readings.csv", sheet.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"].endswith(f"/lab/samples/{number}?done=entered")
    drafts = client.get(f"/api/lab/certificates?sample={number}", headers=lab).json()
    assert [(d["sample"], d["status"]) for d in drafts] == [(number, "draft")]


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form"
    return found.group(1)
