"""`samplehub site load FILE` against the configured database (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from samplehub.app.config import Settings
from samplehub.app.wiring.storage import DEMO_SITE
from samplehub.cli import app
from samplehub.core.adapters.db import upgrade


def test_site_load_is_idempotent_and_names_the_line_of_an_error(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(settings.resolved_database_url())
    monkeypatch.setenv("SAMPLEHUB_DATABASE_URL", settings.resolved_database_url())
    monkeypatch.setenv("SAMPLEHUB_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    first = runner.invoke(app, ["site", "load", str(DEMO_SITE)])
    assert first.exit_code == 0, first.output
    assert "site loaded: 325 slots (325 added, 0 changed, 0 removed)" in first.output
    again = runner.invoke(app, ["site", "load", str(DEMO_SITE)])
    assert again.exit_code == 0, again.output
    assert "site unchanged: 325 slots" in again.output
    bad = tmp_path / "bad.yaml"
    text = DEMO_SITE.read_text(encoding="utf-8").replace("slots: 15}", "slots: many}", 1)
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "slots: many" in row)
    refused = runner.invoke(app, ["site", "load", str(bad)])
    assert refused.exit_code == 1
    assert f"line {line}: storage.areas[0].racks[0].shelves[2].slots: 'many'" in refused.output
    missing = runner.invoke(app, ["site", "load", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 1
    assert "file:" in missing.output
