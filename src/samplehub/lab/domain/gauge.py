"""Elastic-element gauges as verified: range, class, check-point readings, and their checks.

The input side of JJG 52-2013: what a gauge and its readings must look like before anything is
computed (``jjg52`` computes). Readings posted as plain mappings (API, instruments) are parsed
here too, each bad value named by its point and field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from samplehub.core.domain.messages import Message
from samplehub.lab.domain.errors import MetrologyInputError
from samplehub.lab.domain.numbers import parse_decimal

T = TypeVar("T")
READING_MARGIN = Decimal("0.1")
"""Indications may lie this fraction of the span beyond the range (a pointer just off the scale
ends); anything further is a typing error rather than a reading."""


def _class_key(text: str, classes: Mapping[str, ClassLimits]) -> str | None:
    cleaned = text.strip().removesuffix("级").strip()
    if cleaned in classes:
        return cleaned
    try:
        wanted = Decimal(cleaned)
    except ArithmeticError:
        return None
    return next((key for key in classes if Decimal(key) == wanted), None)


class GaugeKind(Enum):
    """The three gauge families of JJG 52-2013, told apart by where zero lies in the range."""

    PRESSURE = "压力表"
    PRESSURE_VACUUM = "压力真空表"
    VACUUM = "真空表"


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
        """The class's limits ("1", "1.0" and "1.0级" are one class), or the classes known."""
        key = _class_key(str(accuracy_class), self.classes)
        if key is None:
            allowed = ", ".join(sorted(self.classes, key=Decimal))
            raise MetrologyInputError(
                "accuracy_class",
                accuracy_class,
                f"one of {allowed} ({self.regulation})",
                Message(
                    "lab.allowed_accuracy_class",
                    {"classes": allowed, "regulation": self.regulation},
                ),
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

    @classmethod
    def entered(
        cls,
        parse: Callable[[T, str], Decimal],
        range_min: T,
        range_max: T,
        unit: str,
        accuracy_class: str,
        stop_pin: bool = False,
    ) -> GaugeSpec:
        """The spec as entered: each end of the range read by ``parse``, which names its field."""
        low, high = parse(range_min, "range_min"), parse(range_max, "range_max")
        return cls(low, high, unit, accuracy_class, stop_pin)

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


def validate_spec(spec: GaugeSpec, rule: ElasticGaugeRule = JJG52_2013) -> None:
    """Refuse a range that does not include zero or is empty, and classes the rule lacks."""
    rule.limits(spec.accuracy_class)
    if spec.range_min >= spec.range_max:
        raise MetrologyInputError(
            "range_max",
            spec.range_max,
            f"greater than the lower limit {spec.range_min}",
            Message("lab.allowed_above_lower_limit", {"low": spec.range_min}),
        )
    if not spec.range_min <= 0 <= spec.range_max:
        raise MetrologyInputError(
            "range_min",
            spec.range_min,
            "a range that includes zero (pressure, pressure-vacuum or vacuum gauge)",
            Message("lab.allowed_range_with_zero"),
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
                Message(
                    "lab.allowed_point_in_range",
                    {"low": spec.range_min, "high": spec.range_max, "unit": spec.unit},
                ),
            )
        for name, value in point.indications():
            low, high = spec.range_min - margin, spec.range_max + margin
            if not low <= value <= high:
                raise MetrologyInputError(
                    f"points[{index}].{name}",
                    value,
                    f"an indication on the dial, {low}…{high} {spec.unit}",
                    Message(
                        "lab.allowed_indication", {"low": low, "high": high, "unit": spec.unit}
                    ),
                )
    duplicates = sorted({s for s in standards if standards.count(s) > 1})
    if duplicates:
        raise MetrologyInputError(
            "points.standard",
            duplicates[0],
            "each check point once",
            Message("lab.allowed_point_once"),
        )
    main_side = [s for s in standards if (s <= 0 if spec.kind is GaugeKind.VACUUM else s >= 0)]
    if len(main_side) < rule.min_points:
        raise MetrologyInputError(
            "points",
            len(main_side),
            f"at least {rule.min_points} check points over the range, including zero and "
            f"{spec.measuring_limit} {spec.unit} ({rule.regulation})",
            Message(
                "lab.allowed_min_check_points",
                {"count": rule.min_points, "limit": spec.measuring_limit, "unit": spec.unit},
            ),
        )
    if Decimal(0) not in standards:
        raise MetrologyInputError(
            "points.standard",
            sorted(standards),
            f"a check point at zero (0 {spec.unit})",
            Message("lab.allowed_zero_point", {"unit": spec.unit}),
        )
    if spec.kind is GaugeKind.VACUUM:
        deepest = spec.range_min * rule.top_zone_from
        if min(standards) > deepest:
            raise MetrologyInputError(
                "points.standard",
                sorted(standards),
                f"a check point at the measuring limit, at least as deep as {deepest} {spec.unit} "
                "(90 % of the vacuum limit: full vacuum cannot be reached)",
                Message("lab.allowed_vacuum_limit_point", {"deepest": deepest, "unit": spec.unit}),
            )
    elif spec.measuring_limit not in standards:
        raise MetrologyInputError(
            "points.standard",
            sorted(standards),
            f"a check point at the measuring limit ({spec.measuring_limit} {spec.unit})",
            Message("lab.allowed_limit_point", {"limit": spec.measuring_limit, "unit": spec.unit}),
        )


READING_FIELDS = ("standard", "up_before_tap", "up_after_tap", "down_before_tap", "down_after_tap")


def points_from_rows(rows: Sequence[Mapping[str, object]]) -> tuple[PointReadings, ...]:
    """Readings posted as mappings (JSON), strictly: every field present and a plain number."""
    points = []
    for index, row in enumerate(rows):
        unknown = sorted(set(map(str, row)) - set(READING_FIELDS))
        if unknown:
            raise MetrologyInputError(
                f"points[{index}].{unknown[0]}",
                row[unknown[0]],
                "only the fields " + ", ".join(READING_FIELDS),
                Message("lab.allowed_reading_fields", {"fields": "、".join(READING_FIELDS)}),
            )
        values = []
        for name in READING_FIELDS:
            if name not in row or row[name] is None:
                raise MetrologyInputError(
                    f"points[{index}].{name}",
                    None,
                    "a reading for this point",
                    Message("lab.allowed_reading_present"),
                )
            values.append(parse_decimal(row[name], f"points[{index}].{name}"))
        points.append(PointReadings(*values))
    return tuple(points)
