"""`samplehub vision read IMAGE... --json` as scripts call it (CONTRACTS.md)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from samplehub.cli import app

FIXTURES = Path(__file__).parents[2] / "fixtures" / "samplehub" / "nameplates"
CONTRACT_FIELDS = {
    "instrument_type",
    "manufacturer",
    "model",
    "serial_number",
    "range_min",
    "range_max",
    "unit",
    "accuracy_class",
}


def test_one_json_line_per_image_and_exit_1_when_one_is_unreadable(tmp_path: Path) -> None:
    bad = tmp_path / "notes.jpg"
    bad.write_text("not an image", encoding="utf-8")
    good = sorted(FIXTURES.glob("plate-*.jpg"))[:2]
    result = CliRunner().invoke(
        app, ["vision", "read", str(good[0]), str(bad), str(good[1]), "--json"]
    )
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [Path(item["file"]).name for item in lines] == [good[0].name, "notes.jpg", good[1].name]
    for item in (lines[0], lines[2]):
        assert set(item["fields"]) == CONTRACT_FIELDS
        assert isinstance(item["lines"], list)
        assert item["lines"]
        assert isinstance(item["elapsed_ms"], float)
        assert all(set(code) == {"format", "text"} for code in item["codes"])
        for bound in ("range_min", "range_max"):
            assert item["fields"][bound] is None or isinstance(item["fields"][bound], float)
    assert "error" in lines[1]
    assert "fields" not in lines[1]


def test_all_readable_exits_0_and_english_messages_on_request(tmp_path: Path) -> None:
    good = sorted(FIXTURES.glob("plate-*.jpg"))[0]
    ok = CliRunner().invoke(app, ["vision", "read", str(good), "--json"])
    assert ok.exit_code == 0, ok.stdout
    missing = CliRunner().invoke(
        app, ["vision", "read", str(tmp_path / "gone.png"), "--json", "--lang", "en"]
    )
    assert missing.exit_code == 1
    assert "does not exist" in json.loads(missing.stdout)["error"]


def test_extra_instrument_types_come_from_a_file(tmp_path: Path) -> None:
    types = tmp_path / "types.yaml"
    types.write_text("电磁流量计: flowmeter\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just a list\n", encoding="utf-8")
    good = sorted(FIXTURES.glob("plate-*.jpg"))[0]
    ok = CliRunner().invoke(app, ["vision", "read", str(good), "--json", "--types", str(types)])
    assert ok.exit_code == 0
    refused = CliRunner().invoke(app, ["vision", "read", str(good), "--types", str(bad)])
    assert refused.exit_code == 2
    assert "--types" in refused.output
