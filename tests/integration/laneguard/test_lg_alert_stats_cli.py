"""`laneguard stats` against a real SQLite database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from laneguard.cli.main import app
from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord
from laneguard.records.adapters.db import SqlIncidentRepository, make_engine
from laneguard.records.adapters.migrate import upgrade


def _seed(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    repo = SqlIncidentRepository(engine)
    outcomes = [Outcome.TURNED_BACK, Outcome.TURNED_BACK, Outcome.FALSE_ALARM, None]
    for i, outcome in enumerate(outcomes):
        r = IncidentRecord(
            f"i{i}",
            "S1",
            "c",
            "z",
            str(1 + i % 2),
            ObjectClass.PEDESTRIAN,
            i,
            0.9,
            datetime(2026, 3, 1 + i, 4, tzinfo=UTC),
        )
        if outcome is not None:
            r.close(outcome, "t", r.opened_at)
        repo.add(r)
    old = IncidentRecord(
        "old", "S1", "c", "z", "1", ObjectClass.BICYCLE, 9, 0.9, datetime(2025, 3, 2, 4, tzinfo=UTC)
    )
    old.close(Outcome.TURNED_BACK, "t", old.opened_at)
    repo.add(old)
    engine.dispose()


def test_stats_json_csv_and_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lg.db'}"
    _seed(url)
    runner = CliRunner()
    base = ["stats", "--database", url, "--from", "2026-03-01", "--to", "2026-03-31"]
    result = runner.invoke(app, [*base, "--by", "lane", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(r["key"], r["incidents"]) for r in data["rows"]] == [("S1/1", 2), ("S1/2", 2)]
    assert data["total"]["turned_back_rate"] == 1.0
    assert data["total"]["false_alarm_rate"] == 1 / 3
    assert data["turned_back_change"] == 1.0
    csv_file = tmp_path / "out.csv"
    assert runner.invoke(app, [*base, "--csv", str(csv_file)]).exit_code == 0
    assert csv_file.read_text().splitlines()[0].startswith("day,incidents,turned_back")
    table = runner.invoke(app, base)
    assert "劝返率" in table.stdout


def test_stats_bad_dates_are_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lg.db'}"
    result = CliRunner().invoke(app, ["stats", "--database", url, "--from", "1 March"])
    assert result.exit_code == 2
    assert "--from='1 March' is not a date" in result.output
    result = CliRunner().invoke(
        app, ["stats", "--database", url, "--from", "2026-03-05", "--to", "2026-03-01"]
    )
    assert result.exit_code == 2
    assert "before start" in result.output
