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

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from samplehub.core.domain.messages import Message
from samplehub.lab.domain.errors import MetrologyInputError
from samplehub.lab.domain.gauge import (
    JJG52_2013,
    ClassLimits,
    ElasticGaugeRule,
    GaugeKind,
    GaugeSpec,
    PointReadings,
    points_from_rows,
    validate_points,
    validate_spec,
)
from samplehub.lab.domain.numbers import format_signed, mpe_quantum, round_half_even

__all__ = [
    "JJG52_2013",
    "ClassLimits",
    "ElasticGaugeRule",
    "Failure",
    "GaugeKind",
    "GaugeSpec",
    "GaugeVerificationResult",
    "Item",
    "PointReadings",
    "PointResult",
    "evaluate",
    "point_mpe",
    "points_from_rows",
    "validate_points",
    "validate_spec",
]

HUNDRED = Decimal(100)


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
            Message("lab.allowed_zero_reading"),
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
                Message("lab.allowed_stop_pin_zero"),
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
