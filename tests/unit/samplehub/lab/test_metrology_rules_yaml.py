"""Instrument-type rules as YAML data: the shipped file and the errors for bad entries."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from samplehub.lab.adapters.metrology_rules.loader import (
    DEFAULT_RULES,
    load_rule_book,
    parse_rule_book,
)
from samplehub.lab.domain import demo
from samplehub.lab.domain.calibration import ToleranceBasis
from samplehub.lab.domain.errors import MetrologyInputError
from samplehub.lab.domain.jjg52 import JJG52_2013, evaluate
from samplehub.lab.domain.rules import Method

BASE: dict[str, Any] = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))


def test_shipped_rules_reproduce_jjg52_table() -> None:
    book = load_rule_book()
    for code in ("pressure_gauge", "pressure_vacuum_gauge", "vacuum_gauge"):
        rule = book.get(code)
        assert rule.method is Method.ELASTIC_GAUGE
        assert rule.interval_months == 6
        assert rule.gauge is not None
        assert dict(rule.gauge.classes) == dict(JJG52_2013.classes)
        assert rule.gauge.top_zone_from == Decimal("0.9")
    gauge_rule = book.get("pressure_gauge").gauge
    assert gauge_rule is not None
    assert evaluate(demo.GAUGE, demo.PASSING_POINTS, [Decimal(0)], gauge_rule).passed


def test_shipped_calibration_types() -> None:
    rule = load_rule_book().get("digital_multimeter")
    assert rule.calibration is not None
    assert rule.calibration.tolerance is not None
    assert rule.calibration.tolerance.basis is ToleranceBasis.PERCENT_OF_READING
    assert load_rule_book().get("weighing_instrument").calibration is not None


def with_change(path: list[str], value: object) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (
            ["instrument_types", "pressure_gauge", "method"],
            "magic",
            "instrument_types.pressure_gauge.method",
        ),
        (
            ["instrument_types", "pressure_gauge", "interval_months"],
            "six",
            "instrument_types.pressure_gauge.interval_months",
        ),
        (
            ["instrument_types", "pressure_gauge", "name_zh"],
            "",
            "instrument_types.pressure_gauge.name_zh",
        ),
        (
            ["instrument_types", "pressure_gauge", "colour"],
            "red",
            "instrument_types.pressure_gauge.colour",
        ),
        (
            ["instrument_types", "pressure_gauge", "gauge"],
            {"classes": {"1.0": {"main": "1,0", "top": "1.6"}}},
            "instrument_types.pressure_gauge.gauge.classes.1.0.main",
        ),
        (
            ["instrument_types", "digital_thermometer", "calibration", "tolerance"],
            {"basis": "vibes", "value": "1"},
            "instrument_types.digital_thermometer.calibration.tolerance.basis",
        ),
        (
            ["instrument_types", "digital_thermometer", "calibration", "min_points"],
            0,
            "instrument_types.digital_thermometer.calibration.min_points",
        ),
        (["version"], 2, "version"),
    ],
)
def test_bad_entries_name_their_path(path: list[str], value: object, field: str) -> None:
    with pytest.raises(MetrologyInputError) as info:
        parse_rule_book(with_change(path, value))
    assert info.value.field == field


def test_elastic_type_without_gauge_figures_is_refused() -> None:
    data = copy.deepcopy(BASE)
    del data["instrument_types"]["pressure_gauge"]["gauge"]
    with pytest.raises(MetrologyInputError, match="gauge"):
        parse_rule_book(data)


def test_unreadable_or_malformed_file(tmp_path: Path) -> None:
    with pytest.raises(MetrologyInputError, match="readable"):
        load_rule_book(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("instrument_types: [unclosed", encoding="utf-8")
    with pytest.raises(MetrologyInputError, match="valid YAML"):
        load_rule_book(bad)
    with pytest.raises(MetrologyInputError):
        parse_rule_book(["not", "a", "mapping"])
