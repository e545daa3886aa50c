"""Cells a spreadsheet would run as formulas are neutralised in every CSV export. SampleHub
writes no CSV export (it only reads CSV sheets); LaneGuard's statistics export is the one, and a
station or lane name comes from the config or the zone editor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from laneguard.core.domain.incidents import ObjectClass
from laneguard.core.domain.records import IncidentRecord
from laneguard.records.service.statistics import neutralise
from tests.security.conftest import Station


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_like_cells_get_a_leading_quote(start: str) -> None:
    assert neutralise(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert neutralise(f"lane {start}1") == f"lane {start}1"


def test_the_statistics_export_neutralises_a_hostile_station_name(
    station: Station, lg_operator: tuple[str, str]
) -> None:
    now = datetime.now(UTC)
    hostile = '=HYPERLINK("http://evil.example","x")'
    station.incidents.add(
        IncidentRecord("i1", hostile, "cam", "z", "1", ObjectClass.PEDESTRIAN, 1, 0.8, now)
    )
    client, _ = station.login(*lg_operator)
    day = now.date().isoformat()
    csv = client.get(f"/stats.csv?from={day}&to={day}&by=station").text.lstrip("\ufeff")
    row = csv.splitlines()[1]
    assert row.startswith("\"'=HYPERLINK(")
    assert not row.startswith("=")
