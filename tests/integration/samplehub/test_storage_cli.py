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
    text = DEMO_SITE.read_text(encoding="utf-8").replace("slots: 15,", "slots: many,", 1)
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "slots: many" in row)
    refused = runner.invoke(app, ["site", "load", str(bad)])
    assert refused.exit_code == 1
    assert f"line {line}: storage.areas[0].racks[0].shelves[2].slots: 'many'" in refused.output
    missing = runner.invoke(app, ["site", "load", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 1
    assert "file:" in missing.output


def test_samples_stored_before_the_site_become_its_occupants(settings: Settings) -> None:
    from samplehub.app import bootstrap
    from samplehub.app.demo import seed_demo
    from samplehub.app.wiring.storage import ensure_site

    upgrade(settings.resolved_database_url())
    services = bootstrap.bootstrap(settings)
    try:
        made = seed_demo(services)  # no site yet: a3 is stored in A-03-2-07 as free text
        loaded = ensure_site(settings, services)
        assert loaded is not None
        assert loaded.placed == 1
        with services.uow_factory() as uow:
            slot = uow.slots.find("A-03-2-07")
        assert slot is not None
        assert slot.occupant == made["sample_a3"]
        assert ensure_site(settings, services) is None  # a site is there now
    finally:
        services.close()
