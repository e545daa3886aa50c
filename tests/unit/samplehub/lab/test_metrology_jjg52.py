"""JJG 52-2013 computations at their edges, against values worked out by hand in the comments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from samplehub.lab.domain.errors import MetrologyInputError
from samplehub.lab.domain.jjg52 import (
    JJG52_2013,
    GaugeKind,
    GaugeSpec,
    Item,
    PointReadings,
    evaluate,
    point_mpe,
    points_from_rows,
)
from samplehub.web.error_text import error_text
from samplehub.web.i18n import Translator

# 0-1.6 MPa, class 1.6: span 1.6; MPE 1.6 x 1.6 % = 0.0256 MPa below 1.44 MPa (90 %),
# 1.6 x 2.5 % = 0.04 MPa from 1.44 MPa up; tap limit 0.0128 MPa; rounding interval 0.0001 MPa.
GAUGE = GaugeSpec(Decimal("0"), Decimal("1.6"), "MPa", "1.6")
STANDARDS = ["0", "0.4", "0.8", "1.2", "1.6"]


def exact(standard: str) -> PointReadings:
    s = Decimal(standard)
    return PointReadings(s, s, s, s, s)


def readings(
    standard: str, up_before: str, up_after: str, down_before: str, down_after: str
) -> PointReadings:
    return PointReadings(
        Decimal(standard),
        Decimal(up_before),
        Decimal(up_after),
        Decimal(down_before),
        Decimal(down_after),
    )


def with_point(point: PointReadings, standards: list[str] = STANDARDS) -> list[PointReadings]:
    others = [exact(s) for s in standards if Decimal(s) != point.standard]
    return [*others, point]


def test_perfect_gauge_passes_with_no_failures() -> None:
    result = evaluate(GAUGE, [exact(s) for s in STANDARDS], [Decimal(0), Decimal(0)])
    assert result.passed
    assert result.decision == "合格"
    assert result.failures == ()
    assert [p.standard for p in result.points] == [Decimal(s) for s in STANDARDS]


@pytest.mark.parametrize(
    ("standard", "expected"),
    [("0.8", "0.0256"), ("1.4", "0.0256"), ("1.44", "0.04"), ("1.6", "0.04"), ("0", "0.0256")],
)
def test_mpe_widens_from_ninety_percent_of_the_upper_limit(standard: str, expected: str) -> None:
    assert point_mpe(GAUGE, Decimal(standard)) == Decimal(expected)


@pytest.mark.parametrize(
    ("indication", "passed"),
    [("0.8256", True), ("0.8257", False), ("0.7744", True), ("0.7743", False)],
)
def test_indication_error_exactly_at_the_mpe_passes_one_step_beyond_fails(
    indication: str, passed: bool
) -> None:
    point = readings("0.8", indication, indication, indication, indication)
    result = evaluate(GAUGE, with_point(point), [Decimal(0)])
    assert result.passed is passed
    if not passed:
        assert result.failed_items == (Item.INDICATION,)
        assert result.failures[0].standard == Decimal("0.8")
        assert "示值误差（0.8 MPa）" in result.failures[0].describe()


def test_upper_limit_uses_the_wider_grade() -> None:
    ok = evaluate(GAUGE, with_point(readings("1.6", *["1.64"] * 4)), [Decimal(0)])
    bad = evaluate(GAUGE, with_point(readings("1.6", *["1.6401"] * 4)), [Decimal(0)])
    assert ok.passed
    assert bad.failed_items == (Item.INDICATION,)
    assert bad.failures[0].limit == Decimal("0.04")


def test_ninety_percent_boundary_point_gets_wide_grade_and_just_below_does_not() -> None:
    standards = ["0", "0.4", "0.8", "1.2", "1.4", "1.44", "1.6"]
    at_boundary = evaluate(
        GAUGE, with_point(readings("1.44", *["1.47"] * 4), standards), [Decimal(0)]
    )
    below = evaluate(GAUGE, with_point(readings("1.4", *["1.43"] * 4), standards), [Decimal(0)])
    assert at_boundary.passed  # error 0.03 <= 0.04
    assert below.failed_items == (Item.INDICATION,)  # error 0.03 > 0.0256


def test_error_is_rounded_half_even_before_comparison() -> None:
    # 0.02565 rounds to 0.0256 (6 is even) and passes; 0.02575 rounds to 0.0258 and fails.
    down = evaluate(GAUGE, with_point(readings("0.8", *["0.82565"] * 4)), [Decimal(0)])
    up = evaluate(GAUGE, with_point(readings("0.8", *["0.82575"] * 4)), [Decimal(0)])
    assert down.passed
    assert down.points[2].worst_error == Decimal("0.0256")
    assert not up.passed
    assert up.points[2].worst_error == Decimal("0.0258")


@pytest.mark.parametrize(("down_after", "passed"), [("0.7844", True), ("0.7843", False)])
def test_hysteresis_limit_is_the_mpe(down_after: str, passed: bool) -> None:
    # rising 0.81 (error +0.01), falling 0.7844 (error -0.0156): hysteresis 0.0256 = |MPE|
    point = readings("0.8", "0.81", "0.81", down_after, down_after)
    result = evaluate(GAUGE, with_point(point), [Decimal(0)])
    assert result.passed is passed
    if not passed:
        assert result.failed_items == (Item.HYSTERESIS,)
        assert result.failures[0].value == Decimal("0.0257")


@pytest.mark.parametrize(("after_tap", "passed"), [("0.8128", True), ("0.8129", False)])
def test_tap_displacement_limit_is_half_the_mpe(after_tap: str, passed: bool) -> None:
    point = readings("0.8", "0.8", after_tap, after_tap, after_tap)
    result = evaluate(GAUGE, with_point(point), [Decimal(0)])
    assert result.passed is passed
    if not passed:
        assert result.failed_items == (Item.TAP,)
        assert result.failures[0].limit == Decimal("0.0128")


def test_several_failing_items_are_all_named() -> None:
    point = readings("1.2", "1.2", "1.25", "1.2", "1.2")
    result = evaluate(GAUGE, with_point(point), [Decimal("0.03")])
    assert result.decision == "不合格"
    assert set(result.failed_items) == {Item.ZERO, Item.INDICATION, Item.HYSTERESIS, Item.TAP}


@pytest.mark.parametrize(
    ("accuracy_class", "range_max", "main", "top"),
    [
        ("1.0", "2.5", "0.025", "0.04"),  # 2.5 x 1.0 %, 2.5 x 1.6 %
        ("1.6", "1.6", "0.0256", "0.04"),  # 1.6 x 1.6 %, 1.6 x 2.5 %
        ("2.5", "1", "0.025", "0.04"),  # 1 x 2.5 %, 1 x 4.0 %
        ("4.0", "0.6", "0.024", "0.024"),  # 0.6 x 4.0 % throughout
    ],
)
def test_each_class_mpe(accuracy_class: str, range_max: str, main: str, top: str) -> None:
    spec = GaugeSpec(Decimal(0), Decimal(range_max), "MPa", accuracy_class)
    assert point_mpe(spec, Decimal(range_max) / 2) == Decimal(main)
    assert point_mpe(spec, Decimal(range_max)) == Decimal(top)
    top_error = Decimal(range_max) + Decimal(top)
    points = [exact(str(Decimal(range_max) * k / 4)) for k in range(4)]
    result = evaluate(
        spec, [*points, PointReadings(Decimal(range_max), *[top_error] * 4)], [Decimal(0)]
    )
    assert result.passed


def test_vacuum_gauge_wide_grade_is_at_the_vacuum_limit() -> None:
    # -0.1-0 MPa class 1.6: span 0.1; MPE 0.0016, from -0.09 MPa on 0.1 x 2.5 % = 0.0025
    spec = GaugeSpec(Decimal("-0.1"), Decimal(0), "MPa", "1.6")
    assert spec.kind is GaugeKind.VACUUM
    assert point_mpe(spec, Decimal("-0.05")) == Decimal("0.0016")
    assert point_mpe(spec, Decimal("-0.09")) == Decimal("0.0025")
    points = [exact(s) for s in ["0", "-0.025", "-0.05", "-0.075"]]
    ok = evaluate(spec, [*points, readings("-0.1", *["-0.0975"] * 4)], [Decimal(0)])
    bad = evaluate(spec, [*points, readings("-0.1", *["-0.0974"] * 4)], [Decimal(0)])
    assert ok.passed
    assert bad.failed_items == (Item.INDICATION,)


def test_pressure_vacuum_gauge_uses_the_whole_span() -> None:
    # -0.1-0.9 MPa class 2.5: span 1.0; MPE 0.025 (also on the vacuum side), 0.04 from 0.81
    spec = GaugeSpec(Decimal("-0.1"), Decimal("0.9"), "MPa", "2.5")
    assert spec.kind is GaugeKind.PRESSURE_VACUUM
    assert point_mpe(spec, Decimal("-0.1")) == Decimal("0.025")
    assert point_mpe(spec, Decimal("0.81")) == Decimal("0.04")
    points = [exact(s) for s in ["-0.1", "0", "0.3", "0.6", "0.9"]]
    points.append(readings("0.81", *["0.85"] * 4))
    assert evaluate(spec, points, [Decimal(0)]).passed


@pytest.mark.parametrize(("zero", "passed"), [("-0.0256", True), ("-0.0257", False)])
def test_stop_pin_shortfall_limit_is_the_mpe(zero: str, passed: bool) -> None:
    spec = GaugeSpec(Decimal(0), Decimal("1.6"), "MPa", "1.6", stop_pin=True)
    result = evaluate(spec, [exact(s) for s in STANDARDS], [Decimal(zero)])
    assert result.passed is passed
    if not passed:
        assert result.failed_items == (Item.ZERO,)
        assert "零位误差（零位）" in result.failures[0].describe()


def test_stop_pin_zero_point_readings_are_not_judged() -> None:
    spec = GaugeSpec(Decimal(0), Decimal("1.6"), "MPa", "1.6", stop_pin=True)
    result = evaluate(spec, with_point(readings("0", *["-0.05"] * 4)), [Decimal(0)])
    assert result.passed
    assert result.points[0].judged is False


def test_stop_pin_cannot_read_above_zero() -> None:
    spec = GaugeSpec(Decimal(0), Decimal("1.6"), "MPa", "1.6", stop_pin=True)
    with pytest.raises(MetrologyInputError) as info:
        evaluate(spec, [exact(s) for s in STANDARDS], [Decimal("0.01")])
    assert info.value.field == "zero_deviations[0]"


@pytest.mark.parametrize(("zero", "passed"), [("0.0256", True), ("-0.0257", False)])
def test_zero_without_stop_pin_within_plus_minus_mpe(zero: str, passed: bool) -> None:
    assert (
        evaluate(GAUGE, [exact(s) for s in STANDARDS], [Decimal(0), Decimal(zero)]).passed is passed
    )


def test_fewer_than_five_points_is_refused_naming_the_field() -> None:
    with pytest.raises(MetrologyInputError) as info:
        evaluate(GAUGE, [exact(s) for s in ["0", "0.4", "1.2", "1.6"]], [Decimal(0)])
    assert info.value.field == "points"
    assert info.value.value == 4
    assert "at least 5" in str(info.value)
    assert "不少于 5" in error_text(Translator("zh-CN"), info.value)


@pytest.mark.parametrize(("missing", "label"), [("0", "zero"), ("1.6", "measuring limit")])
def test_missing_zero_or_upper_limit_is_refused(missing: str, label: str) -> None:
    standards = [s for s in ["0", "0.2", "0.4", "0.8", "1.2", "1.6"] if s != missing]
    with pytest.raises(MetrologyInputError, match=label) as info:
        evaluate(GAUGE, [exact(s) for s in standards], [Decimal(0)])
    assert info.value.field == "points.standard"


def test_unknown_class_lists_the_allowed_ones() -> None:
    spec = GaugeSpec(Decimal(0), Decimal("1.6"), "MPa", "1.5")
    with pytest.raises(MetrologyInputError) as info:
        evaluate(spec, [exact(s) for s in STANDARDS], [Decimal(0)])
    assert info.value.field == "accuracy_class"
    assert info.value.value == "1.5"
    assert "1.0, 1.6, 2.5, 4.0" in str(info.value)


def test_check_point_outside_range_is_refused() -> None:
    with pytest.raises(MetrologyInputError) as info:
        evaluate(GAUGE, [*[exact(s) for s in STANDARDS], exact("1.7")], [Decimal(0)])
    assert info.value.field == "points[5].standard"


def test_indication_far_off_the_dial_is_refused() -> None:
    with pytest.raises(MetrologyInputError) as info:
        evaluate(GAUGE, with_point(readings("0.8", "0.8", "0.8", "0.8", "18")), [Decimal(0)])
    assert info.value.field == "points[4].down_after_tap"


def test_duplicate_check_point_is_refused() -> None:
    with pytest.raises(MetrologyInputError) as info:
        evaluate(GAUGE, [*[exact(s) for s in STANDARDS], exact("0.8")], [Decimal(0)])
    assert info.value.field == "points.standard"


def test_range_that_excludes_zero_is_refused() -> None:
    spec = GaugeSpec(Decimal("0.1"), Decimal("1.6"), "MPa", "1.6")
    with pytest.raises(MetrologyInputError) as info:
        evaluate(spec, [exact(s) for s in STANDARDS], [Decimal(0)])
    assert info.value.field == "range_min"


def test_vacuum_gauge_limit_point_may_be_at_ninety_percent_of_the_vacuum_limit() -> None:
    spec = GaugeSpec(Decimal("-0.1"), Decimal(0), "MPa", "1.6")
    points = [exact(s) for s in ["0", "-0.02", "-0.04", "-0.06", "-0.09"]]
    assert evaluate(spec, points, [Decimal(0)]).passed
    shallow = [exact(s) for s in ["0", "-0.02", "-0.04", "-0.06", "-0.08"]]
    with pytest.raises(MetrologyInputError, match="90 %") as info:
        evaluate(spec, shallow, [Decimal(0)])
    assert info.value.field == "points.standard"


def test_points_from_posted_rows() -> None:
    rows = [
        {
            "standard": s,
            "up_before_tap": s,
            "up_after_tap": s,
            "down_before_tap": s,
            "down_after_tap": s,
        }
        for s in STANDARDS
    ]
    assert points_from_rows(rows) == tuple(exact(s) for s in STANDARDS)


@pytest.mark.parametrize(
    ("row", "field", "allowed"),
    [
        ({"standard": "0.4", "up_before_tap": "0.4"}, "points[0].up_after_tap", "a reading"),
        (
            {
                **{
                    k: "0.4"
                    for k in ("standard", "up_before_tap", "up_after_tap", "down_before_tap")
                },
                "down_after_tap": "0,4",
            },
            "points[0].down_after_tap",
            "decimal point",
        ),
        (
            {
                **{
                    k: "1"
                    for k in (
                        "standard",
                        "up_before_tap",
                        "up_after_tap",
                        "down_before_tap",
                        "down_after_tap",
                    )
                },
                "note": "x",
            },
            "points[0].note",
            "only the fields",
        ),
    ],
)
def test_posted_rows_name_the_bad_field(row: dict[str, object], field: str, allowed: str) -> None:
    with pytest.raises(MetrologyInputError, match=allowed) as info:
        points_from_rows([row])
    assert info.value.field == field


@pytest.mark.parametrize("written", ["1", "1.0", "1.00", " 1.0级 "])
def test_class_spellings_are_one_class(written: str) -> None:
    assert JJG52_2013.limits(written) == JJG52_2013.limits("1.0")
