"""`samplehub rfid decode FILE --json` per CONTRACTS.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samplehub.cli import app

FIXTURES = Path(__file__).resolve().parents[4] / "tests" / "fixtures" / "llrp"


def _run(path: Path) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(app, ["rfid", "decode", str(path), "--json"])
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def test_report_prints_type_id_and_tags() -> None:
    code, lines = _run(FIXTURES / "ro_access_report.bin")
    assert code == 0
    assert lines == [
        {
            "type": "RO_ACCESS_REPORT",
            "id": 0,
            "tags": [
                {
                    "epc": "3034257bf400b7800000162e",
                    "antenna": 1,
                    "peak_rssi": -55,
                    "first_seen_utc_us": 1_700_000_000_000_000,
                    "seen_count": 3,
                }
            ],
        }
    ]


def test_malformed_stretches_are_errors_with_offsets_and_exit_1() -> None:
    code, lines = _run(FIXTURES / "capture_mixed.bin")
    assert code == 1
    assert [line.get("type", f"error@{line.get('offset')}") for line in lines] == [
        "READER_EVENT_NOTIFICATION",
        "GET_READER_CAPABILITIES_RESPONSE",
        "error@103",
        "RO_ACCESS_REPORT",
        "error@156",
        "RO_ACCESS_REPORT",
        "KEEPALIVE",
        "error@308",
    ]
    assert all(isinstance(line["error"], str) for line in lines if "offset" in line)
    assert lines[5]["tags"][1]["epc"] == "3034257bf400b7800000162e"  # type: ignore[index]


def test_missing_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short name: a long temporary path is wrapped in the error box
    result = CliRunner().invoke(app, ["rfid", "decode", "none.bin", "--json"])
    assert result.exit_code == 2
    assert "none.bin" in result.output
