"""JJG 52-2013: verification of elastic-element pressure, pressure-vacuum and vacuum gauges.

What is computed (the regulation's verification items 示值误差, 回程误差, 轻敲位移, 零位误差):

* the maximum permissible error (MPE) of each check point: the class's percentage of the span,
  one grade wider in the top 10 % of the range (the measuring limit side: >= 90 % of the upper
  limit for pressure and pressure-vacuum gauges, <= 90 % of the vacuum limit for vacuum gauges);
* the indication error of each of the four readings at a point (rising and falling, before and
  after a light tap): indication minus the standard's value, each within +-MPE;
* the hysteresis (回程误差): rising minus falling after the tap, at most |MPE|;
* the tap displacement (轻敲位移): the change a light tap makes, at most |MPE| / 2;
* the zero deviation: without a stop pin the pointer within +-MPE of zero; with a stop pin the
  pointer rests on the pin and its shortfall (缩格) does not exceed |MPE|. With a stop pin the
  zero check point's readings are not judged for error, hysteresis or tap (the pin holds the
  pointer there).
* check points: at least five on the measuring side, including zero and the measuring limit; a
  vacuum gauge's limit point may be any point at or beyond 90 % of the vacuum limit, since the
  regulation lets the deepest point follow the vacuum the local atmosphere allows.

Rounding: every computed error is rounded half-even (GB/T 8170) to ``mpe_quantum(MPE)`` and the
rounded value is compared with the exact MPE (GB/T 8170's rounded-value comparison).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from samplehub.domain.metrology.errors import MetrologyInputError
from samplehub.domain.metrology.numbers import format_signed, mpe_quantum, round_half_even

HUNDRED = Decimal(100)
READING_MARGIN = Decimal("0.1")
"""Indications may lie this fraction of the span beyond the range (a pointer just off the scale
ends); anything further is a typing error rather than a reading."""


class GaugeKind(Enum):
    """The three gauge families of JJG 52-2013, told apart by where zero lies in the range."""

    PRESSURE = "压力表"
    PRESSURE_VACUUM = "压力真空表"
    VACUUM = "真空表"


class Item(Enum):
    """The verification items; the value is the name printed on a notice of failure."""

    ZERO = "零位误差"
    INDICATION = "示值误差"
    HYSTERESIS = "回程误差"
    TAP = "轻敲位移"

    @property
    def english(self) -> str:
        return _ITEM_EN[self]


_ITEM_EN = {
    Item.ZERO: "zero deviation",
    Item.INDICATION: "indication error",
    Item.HYSTERESIS: "hysteresis",
    Item.TAP: "tap displacement",
}


@dataclass(frozen=True)
class ClassLimits:
    """MPE of one accuracy class in % of span: below and within the top 10 % of the range."""

    main_pct: Decimal
    top_pct: Decimal


@dataclass(frozen=True)
class ElasticGaugeRule:
    """The data of a regulation for elastic-element gauges; JJG 52-2013's is ``JJG52_2013``."""

    regulation: str
    classes: Mapping[str, ClassLimits]
    top_zone_from: Decimal = Decimal("0.9")
    min_points: int = 5

    def limits(self, accuracy_class: str) -> ClassLimits:
        """The class's limits, or an error listing the classes the regulation knows."""
        key = str(accuracy_class).strip()
        if key not in self.classes:
            allowed = ", ".join(sorted(self.classes, key=Decimal))
            raise MetrologyInputError(
                "accuracy_class",
                accuracy_class,
                f"one of {allowed} ({self.regulation})",
                f"应为 {allowed} 之一（{self.regulation}）",
            )
        return self.classes[key]


JJG52_2013 = ElasticGaugeRule(
    regulation="JJG 52-2013",
    classes={
        "1.0": ClassLimits(Decimal("1.0"), Decimal("1.6")),
        "1.6": ClassLimits(Decimal("1.6"), Decimal("2.5")),
        "2.5": ClassLimits(Decimal("2.5"), Decimal("4.0")),
        "4.0": ClassLimits(Decimal("4.0"), Decimal("4.0")),
    },
)


@dataclass(frozen=True)
class GaugeSpec:
    """The gauge as verified: its range, unit, class and whether it has a zero stop pin."""

    range_min: Decimal
    range_max: Decimal
    unit: str
    accuracy_class: str
    stop_pin: bool = False

    @property
    def span(self) -> Decimal:
        return self.range_max - self.range_min

    @property
    def kind(self) -> GaugeKind:
        if self.range_min == 0:
            return GaugeKind.PRESSURE
        if self.range_max == 0:
            return GaugeKind.VACUUM
        return GaugeKind.PRESSURE_VACUUM

    @property
    def measuring_limit(self) -> Decimal:
        """The end of the range away from zero that must be checked (上限 or the vacuum limit)."""
        return self.range_min if self.kind is GaugeKind.VACUUM else self.range_max


@dataclass(frozen=True)
class PointReadings:
    """The four indications read at one check point against the standard's value."""

    standard: Decimal
    up_before_tap: Decimal
    up_after_tap: Decimal
    down_before_tap: Decimal
    down_after_tap: Decimal

    def indications(self) -> tuple[tuple[str, Decimal], ...]:
        return (
            ("up_before_tap", self.up_before_tap),
            ("up_after_tap", self.up_after_tap),
            ("down_before_tap", self.down_before_tap),
            ("down_after_tap", self.down_after_tap),
        )


@dataclass(frozen=True)
class PointResult:
    """What was computed at one check point, rounded, with the limits it was held to."""

    standard: Decimal
    mpe: Decimal
    errors: tuple[Decimal, Decimal, Decimal, Decimal]
    worst_error: Decimal
    hysteresis: Decimal
    tap_displacement: Decimal
    judged: bool
    failed: tuple[Item, ...]


@dataclass(frozen=True)
class Failure:
    """One failing item, with where and by how much, for the notice of verification result."""

    item: Item
    standard: Decimal | None
    value: Decimal
    limit: Decimal
    unit: str

    def describe(self) -> str:
        where = "零位" if self.standard is None else f"{self.standard} {self.unit}"
        return f"{self.item.value}（{where}）：{format_signed(self.value)} 超出 ±{self.limit}"

    def describe_en(self) -> str:
        where = "zero" if self.standard is None else f"{self.standard} {self.unit}"
        return f"{self.item.english} at {where}: {format_signed(self.value)} exceeds +-{self.limit}"


@dataclass(frozen=True)
class GaugeVerificationResult:
    """The outcome of a JJG 52 verification: per-point results, zero check and the decision."""

    regulation: str
    spec: GaugeSpec
    points: tuple[PointResult, ...]
    zero_deviations: tuple[Decimal, ...]
    zero_mpe: Decimal
    failures: tuple[Failure, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def decision(self) -> str:
        return "合格" if self.passed else "不合格"

    @property
    def decision_en(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def failed_items(self) -> tuple[Item, ...]:
        seen: list[Item] = []
        for failure in self.failures:
            if failure.item not in seen:
                seen.append(failure.item)
        return tuple(seen)


def point_mpe(spec: GaugeSpec, standard: Decimal, rule: ElasticGaugeRule = JJG52_2013) -> Decimal:
    """|MPE| at one check point, in the gauge's unit (exact, not rounded)."""
    limits = rule.limits(spec.accuracy_class)
    return spec.span * _pct_at(spec, standard, limits, rule) / HUNDRED


def _pct_at(
    spec: GaugeSpec, standard: Decimal, limits: ClassLimits, rule: ElasticGaugeRule
) -> Decimal:
    if spec.kind is GaugeKind.VACUUM:
        in_top = standard <= spec.range_min * rule.top_zone_from
    else:
        in_top = standard >= spec.range_max * rule.top_zone_from
    return limits.top_pct if in_top else limits.main_pct


def validate_spec(spec: GaugeSpec, rule: ElasticGaugeRule = JJG52_2013) -> None:
    """Refuse a range that does not include zero or is empty, and classes the rule lacks."""
    rule.limits(spec.accuracy_class)
    if spec.range_min >= spec.range_max:
        raise MetrologyInputError(
            "range_max",
            spec.range_max,
            f"greater than the lower limit {spec.range_min}",
            f"应大于测量下限 {spec.range_min}",
        )
    if not spec.range_min <= 0 <= spec.range_max:
        raise MetrologyInputError(
            "range_min",
            spec.range_min,
            "a range that includes zero (pressure, pressure-vacuum or vacuum gauge)",
            "测量范围应包含零（压力表、压力真空表或真空表）",
        )


def validate_points(
    spec: GaugeSpec, points: Sequence[PointReadings], rule: ElasticGaugeRule = JJG52_2013
) -> None:
    """Check the check points: enough of them, distinct, in range, zero and the limit present."""
    validate_spec(spec, rule)
    standards = [p.standard for p in points]
    margin = spec.span * READING_MARGIN
    for index, point in enumerate(points):
        if not spec.range_min <= point.standard <= spec.range_max:
            raise MetrologyInputError(
                f"points[{index}].standard",
                point.standard,
                f"a check point within the gauge's range {spec.range_min}…{spec.range_max} "
                f"{spec.unit}",
                f"应在测量范围 {spec.range_min}～{spec.range_max} {spec.unit} 内",
            )
        for name, value in point.indications():
            low, high = spec.range_min - margin, spec.range_max + margin
            if not low <= value <= high:
                raise MetrologyInputError(
                    f"points[{index}].{name}",
                    value,
                    f"an indication on the dial, {low}…{high} {spec.unit}",
                    f"示值应在表盘范围 {low}～{high} {spec.unit} 内",
                )
    duplicates = sorted({s for s in standards if standards.count(s) > 1})
    if duplicates:
        raise MetrologyInputError(
            "points.standard", duplicates[0], "each check point once", "每个检定点只能出现一次"
        )
    main_side = [s for s in standards if (s <= 0 if spec.kind is GaugeKind.VACUUM else s >= 0)]
    if len(main_side) < rule.min_points:
        raise MetrologyInputError(
            "points",
            len(main_side),
            f"at least {rule.min_points} check points over the range, including zero and "
            f"{spec.measuring_limit} {spec.unit} ({rule.regulation})",
            f"检定点不少于 {rule.min_points} 个，应包括零点和 {spec.measuring_limit} {spec.unit}",
        )
    if Decimal(0) not in standards:
        raise MetrologyInputError(
            "points.standard",
            sorted(standards),
            f"a check point at zero (0 {spec.unit})",
            f"应包含零点（0 {spec.unit}）检定点",
        )
    if spec.kind is GaugeKind.VACUUM:
        deepest = spec.range_min * rule.top_zone_from
        if min(standards) > deepest:
            raise MetrologyInputError(
                "points.standard",
                sorted(standards),
                f"a check point at the measuring limit, at least as deep as {deepest} {spec.unit} "
                "(90 % of the vacuum limit: full vacuum cannot be reached)",
                f"应包含测量上限检定点（不浅于 {deepest} {spec.unit}，即真空测量上限的 90%）",
            )
    elif spec.measuring_limit not in standards:
        raise MetrologyInputError(
            "points.standard",
            sorted(standards),
            f"a check point at the measuring limit ({spec.measuring_limit} {spec.unit})",
            f"应包含测量上限（{spec.measuring_limit} {spec.unit}）检定点",
        )


def evaluate(
    spec: GaugeSpec,
    points: Sequence[PointReadings],
    zero_deviations: Sequence[Decimal],
    rule: ElasticGaugeRule = JJG52_2013,
) -> GaugeVerificationResult:
    """Compute every item of a JJG 52 verification and decide 合格 / 不合格."""
    validate_points(spec, points, rule)
    if not zero_deviations:
        raise MetrologyInputError(
            "zero_deviations",
            list(zero_deviations),
            "at least one zero reading (before and after the check)",
            "至少一个零位读数（检定前后）",
        )
    limits = rule.limits(spec.accuracy_class)
    zero_mpe = spec.span * limits.main_pct / HUNDRED
    failures: list[Failure] = []
    zero_q = mpe_quantum(zero_mpe)
    rounded_zero = tuple(round_half_even(z, zero_q) for z in zero_deviations)
    for index, deviation in enumerate(rounded_zero):
        if spec.stop_pin and deviation > 0:
            raise MetrologyInputError(
                f"zero_deviations[{index}]",
                zero_deviations[index],
                "zero or negative: a pointer on its stop pin can only fall short of zero",
                "应为零或负值：带止销的指针只能低于零位（缩格）",
            )
        if abs(deviation) > zero_mpe:
            failures.append(Failure(Item.ZERO, None, deviation, zero_mpe, spec.unit))
            break
    results = []
    for point in sorted(points, key=lambda p: p.standard):
        result = _evaluate_point(spec, point, rule)
        results.append(result)
        failures.extend(_point_failures(result, spec.unit))
    return GaugeVerificationResult(
        regulation=rule.regulation,
        spec=spec,
        points=tuple(results),
        zero_deviations=rounded_zero,
        zero_mpe=zero_mpe,
        failures=tuple(failures),
    )


def _evaluate_point(spec: GaugeSpec, point: PointReadings, rule: ElasticGaugeRule) -> PointResult:
    mpe = point_mpe(spec, point.standard, rule)
    q = mpe_quantum(mpe)
    e1, e2, e3, e4 = (round_half_even(v - point.standard, q) for _, v in point.indications())
    errors = (e1, e2, e3, e4)
    worst = max(errors, key=abs)
    hysteresis = round_half_even(abs(point.up_after_tap - point.down_after_tap), q)
    tap = round_half_even(
        max(
            abs(point.up_after_tap - point.up_before_tap),
            abs(point.down_after_tap - point.down_before_tap),
        ),
        q,
    )
    judged = not (spec.stop_pin and point.standard == 0)
    failed: list[Item] = []
    if judged:
        if abs(worst) > mpe:
            failed.append(Item.INDICATION)
        if hysteresis > mpe:
            failed.append(Item.HYSTERESIS)
        if tap > mpe / 2:
            failed.append(Item.TAP)
    return PointResult(
        standard=point.standard,
        mpe=mpe,
        errors=errors,
        worst_error=worst,
        hysteresis=hysteresis,
        tap_displacement=tap,
        judged=judged,
        failed=tuple(failed),
    )


def _point_failures(result: PointResult, unit: str) -> list[Failure]:
    values = {
        Item.INDICATION: (result.worst_error, result.mpe),
        Item.HYSTERESIS: (result.hysteresis, result.mpe),
        Item.TAP: (result.tap_displacement, result.mpe / 2),
    }
    return [
        Failure(item, result.standard, values[item][0], values[item][1], unit)
        for item in result.failed
    ]
