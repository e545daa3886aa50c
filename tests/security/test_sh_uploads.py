"""A 4.8 KB .xlsx declaring `A1:XFD1048576` made the lab's sheet import build ~137 GB of lists
(issue 14, finding 6). Against the real SampleHub app: the bomb, a sheet whose declaration lies,
a zip that inflates too far and an oversized upload are refused with 422/413 naming the limit,
quickly and without the memory growing; CSV sheets have the same limits."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD, seed_demo
from samplehub.core.adapters.db import upgrade
from samplehub.core.adapters.memory import PlainHasher
from samplehub.lab.adapters.results_import.limits import SheetLimitError, SheetLimits
from samplehub.lab.adapters.results_import.readers import read_csv, read_excel
from samplehub.web.app import create_app

PARAMS = {
    "range_min": "0",
    "range_max": "1.6",
    "accuracy_class": "1.6",
    "zero_before": "0",
    "zero_after": "0",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bomb(declared: str = "A1:XFD1048576") -> bytes:
    """A workbook of a few KB: a header cell, and one cell at the sheet's last corner."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "standard"
    sheet["XFD1048576"] = 1
    out = io.BytesIO()
    book.save(out)
    if declared == "A1:XFD1048576":
        return out.getvalue()
    return _rewrite(out.getvalue(), b"A1:XFD1048576", declared.encode())


def _rewrite(data: bytes, old: bytes, new: bytes) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name).replace(old, new))
    return out.getvalue()


def inflating() -> bytes:
    """A workbook with a member that inflates 1000-fold (shared strings of 50 MB of spaces)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        dst.writestr("xl/sharedStrings.xml", b" " * 50_000_000)
    return out.getvalue()


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'samplehub.db'}",
        data_dir=tmp_path / "data",
        secret_key="security-tier-key-0123456789",
    )
    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings, hasher=PlainHasher())
    made = seed_demo(services)
    client = TestClient(create_app(services, settings))
    token = client.post("/api/auth/token", json={"username": "lab", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    number = made["sample_a3"]
    requested = client.post(
        f"/api/lab/samples/{number}/request", json={"bench": "P-01"}, headers=headers
    )
    assert requested.status_code == 204, requested.text
    assert client.post("/api/lab/scan", json={"scan": number.lower()}, headers=headers).is_success
    yield client, headers, number
    services.close()


def upload(
    lab: tuple[TestClient, dict[str, str], str], name: str, data: bytes, kind: str = XLSX
) -> tuple[int, dict[str, object], float, int]:
    """Status, body, seconds taken and the peak of memory allocated while answering."""
    client, headers, number = lab
    tracemalloc.start()
    started = time.perf_counter()
    answer = client.post(
        f"/api/lab/samples/{number}/sheet",
        params=PARAMS,
        files={"sheet": (name, data, kind)},
        headers=headers,
    )
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return answer.status_code, answer.json(), took, peak


def test_the_dimension_bomb_is_refused_fast_and_small(
    lab: tuple[TestClient, dict[str, str], str],
) -> None:
    data = bomb()
    assert len(data) < 6000
    status, body, took, peak = upload(lab, "bomb.xlsx", data)
    assert status == 422
    assert body["field"] == "rows"
    assert "at most 10000 rows" in str(body["allowed"])
    assert took < 1.0
    assert peak < 100 * 1024 * 1024
    client, headers, number = lab
    certificates = client.get(f"/api/lab/certificates?sample={number}", headers=headers)
    assert certificates.json() == []


def test_a_sheet_whose_declaration_lies_is_counted_as_read(
    lab: tuple[TestClient, dict[str, str], str],
) -> None:
    status, body, took, peak = upload(lab, "liar.xlsx", bomb("A1:A1"))
    assert status == 422
    assert body["field"] in ("rows", "columns")
    assert "read" in str(body["message"])
    assert took < 1.0
    assert peak < 100 * 1024 * 1024


def test_a_zip_that_inflates_too_far_is_refused_before_parsing(
    lab: tuple[TestClient, dict[str, str], str],
) -> None:
    status, body, _, peak = upload(lab, "inflating.xlsx", inflating())
    assert status == 422
    assert body["field"] == "compression_ratio"
    assert peak < 100 * 1024 * 1024


def test_an_oversized_upload_gets_413(lab: tuple[TestClient, dict[str, str], str]) -> None:
    status, body, _, _ = upload(lab, "big.csv", b"standard\n" + b"1\n" * 600_000, "text/csv")
    assert status == 413
    assert "1000000" in str(body)


def test_csv_sheets_have_the_same_row_and_column_limits() -> None:
    limits = SheetLimits(max_rows=100, max_columns=5)
    with pytest.raises(SheetLimitError, match="at most 100 rows"):
        read_csv("rows.csv", b"a\n" * 101, limits)
    with pytest.raises(SheetLimitError, match="at most 5 columns"):
        read_csv("wide.csv", b",".join([b"1"] * 6), limits)
    with pytest.raises(SheetLimitError, match="at most 10 bytes"):
        read_csv("big.csv", b"1" * 11, SheetLimits(max_bytes=10))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["standard", "up_before_tap"])
    sheet.append([0, 0.001])
    out = io.BytesIO()
    book.save(out)
    assert read_excel("ok.xlsx", out.getvalue(), limits=limits) == [
        ["standard", "up_before_tap"],
        [0, 0.001],
    ]
