"""Calibration sheets, numbers parsing and rounding, dates and the rule book."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from samplehub.lab.domain.calibration import (
    CalibrationReading,
    CalibrationRule,
    Tolerance,
    ToleranceBasis,
    evaluate_calibration,
)
from samplehub.lab.domain.dates import add_months, next_due_date, valid_until
from samplehub.lab.domain.errors import MetrologyInputError
from samplehub.lab.domain.numbers import (
    format_signed,
    mpe_quantum,
    parse_decimal,
    significant_round_up,
)
from samplehub.lab.domain.rules import InstrumentTypeRule, Method, RuleBook
from samplehub.web.error_text import error_text
from samplehub.web.i18n import Translator

RULE = CalibrationRule("temperature", "°C", Tolerance(ToleranceBasis.ABSOLUTE, Decimal("0.5")), 2)


def reading(nominal: str, left: str, u: str, found: str | None = None) -> CalibrationReading:
    return CalibrationReading(
        Decimal(nominal),
        Decimal(left),
        Decimal(u),
        Decimal(2),
        None if found is None else Decimal(found),
    )


def test_errors_align_with_the_uncertainty_and_are_judged_on_tolerance() -> None:
    sheet = evaluate_calibration(
        RULE, [reading("0", "0.1249", "0.0612", "0.61"), reading("50", "50.5004", "0.07")]
    )
    first, second = sheet.points
    # U 0.0612 rounds up to 0.062 (two figures); error 0.1249 rounds to 0.125 (last digit of U)
    assert first.expanded_uncertainty == Decimal("0.062")
    assert first.as_left_error == Decimal("0.125")
    assert first.as_found_conforms is False  # 0.610 > 0.5
    assert first.as_left_conforms is True
    # 0.5004 rounds to 0.500: exactly at the tolerance conforms
    assert second.as_left_error == Decimal("0.500")
    assert second.as_found_error is None
    assert second.as_found_conforms is None
    assert sheet.conforms is True


def test_percent_tolerances() -> None:
    reading_rule = CalibrationRule(
        "voltage", "V", Tolerance(ToleranceBasis.PERCENT_OF_READING, Decimal("1"))
    )
    sheet = evaluate_calibration(reading_rule, [reading("10", "10.11", "0.01")])
    assert sheet.points[0].tolerance == Decimal("0.1")
    assert sheet.conforms is False
    span_rule = CalibrationRule(
        "voltage", "V", Tolerance(ToleranceBasis.PERCENT_OF_SPAN, Decimal("1"))
    )
    sheet = evaluate_calibration(span_rule, [reading("10", "10.11", "0.01")], span=Decimal("20"))
    assert sheet.points[0].tolerance == Decimal("0.2")
    assert sheet.conforms is True
    with pytest.raises(MetrologyInputError, match="span"):
        evaluate_calibration(span_rule, [reading("10", "10.11", "0.01")])


def test_without_tolerance_no_conformity_is_stated() -> None:
    sheet = evaluate_calibration(CalibrationRule("mass", "g"), [reading("100", "100.002", "0.003")])
    assert sheet.conforms is None


def test_calibration_bad_input_names_the_field() -> None:
    with pytest.raises(MetrologyInputError) as info:
        evaluate_calibration(RULE, [reading("0", "0.1", "0.05")])
    assert info.value.field == "points"
    with pytest.raises(MetrologyInputError) as info:
        evaluate_calibration(RULE, [reading("0", "0.1", "0.05"), reading("1", "1", "0")])
    assert info.value.field == "points[1].expanded_uncertainty"
    bad_k = CalibrationReading(Decimal(0), Decimal(0), Decimal("0.1"), Decimal(5))
    with pytest.raises(MetrologyInputError) as info:
        evaluate_calibration(RULE, [bad_k, bad_k])
    assert info.value.field == "points[0].coverage_factor"


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.6", "1.6"), (" -0.05 ", "-0.05"), ("1e-3", "0.001"), (2, "2"), (0.25, "0.25")],
)
def test_parse_decimal_accepts_plain_numbers(text: object, value: str) -> None:
    assert parse_decimal(text, "x") == Decimal(value)


def test_parse_decimal_names_a_decimal_comma() -> None:
    with pytest.raises(MetrologyInputError) as info:
        parse_decimal("1,6", "points[2].up_after_tap")
    assert info.value.field == "points[2].up_after_tap"
    assert "write 1.6" in str(info.value)
    assert "小数点" in error_text(Translator("zh-CN"), info.value)


@pytest.mark.parametrize("text", ["", "abc", "1.6 MPa", None, True, "nan", "Infinity", [1]])
def test_parse_decimal_refuses_non_numbers(text: object) -> None:
    with pytest.raises(MetrologyInputError):
        parse_decimal(text, "x")


def test_rounding_helpers() -> None:
    assert mpe_quantum(Decimal("0.0256")) == Decimal("0.0001")
    assert mpe_quantum(Decimal("1.000")) == Decimal("0.01")
    assert mpe_quantum(Decimal("0.04")) == Decimal("0.0001")
    with pytest.raises(MetrologyInputError):
        mpe_quantum(Decimal(0))
    assert significant_round_up(Decimal("0.0612")) == Decimal("0.062")
    assert significant_round_up(Decimal("1.01")) == Decimal("1.1")
    assert significant_round_up(Decimal(0)) == Decimal(0)
    assert [format_signed(Decimal(v)) for v in ("0.01", "-0.02", "0.000")] == [
        "+0.01",
        "-0.02",
        "0.000",
    ]


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert next_due_date(date(2026, 11, 20), 6) == date(2027, 5, 20)
    assert valid_until(date(2026, 11, 20), 6) == date(2027, 5, 19)
    assert add_months(date(2026, 11, 20), 14) == date(2028, 1, 20)


def test_rule_book_lookup_and_duplicates() -> None:
    rule = InstrumentTypeRule(
        "thermo",
        "数字温度计",
        "Digital thermometer",
        "temperature",
        "JJF 1171",
        12,
        Method.CALIBRATION,
        calibration=RULE,
    )
    book = RuleBook([rule])
    assert book.get("thermo") is rule
    with pytest.raises(MetrologyInputError) as info:
        book.get("nope")
    assert "thermo" in str(info.value)
    with pytest.raises(MetrologyInputError):
        RuleBook([rule, rule])


def test_rule_needs_its_method_figures_and_a_positive_interval() -> None:
    with pytest.raises(MetrologyInputError, match="gauge"):
        InstrumentTypeRule("g", "压力表", "Gauge", "pressure", "JJG 52", 6, Method.ELASTIC_GAUGE)
    with pytest.raises(MetrologyInputError, match="interval_months"):
        InstrumentTypeRule("c", "x", "x", "x", "x", 0, Method.CALIBRATION, calibration=RULE)
