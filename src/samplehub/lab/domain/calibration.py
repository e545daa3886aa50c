"""A generic calibration results sheet: as-found / as-left readings, tolerance, U with k.

Any discipline can issue a calibration certificate (校准证书) from it. Rounding follows JJF 1059.1:
the expanded uncertainty is given with at most two significant figures (rounded up, the
conservative choice the specification allows) and each error is rounded half-even to the last
digit of its uncertainty (末位对齐). Conformity uses simple acceptance (ILAC-G8 rule "no guard
band"): an error within the tolerance conforms; the uncertainty is reported alongside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from samplehub.core.domain.messages import Message
from samplehub.lab.domain.errors import MetrologyInputError
from samplehub.lab.domain.numbers import round_half_even, significant_round_up

HUNDRED = Decimal(100)


class ToleranceBasis(Enum):
    """What a tolerance figure refers to."""

    ABSOLUTE = "absolute"
    PERCENT_OF_READING = "percent_of_reading"
    PERCENT_OF_SPAN = "percent_of_span"


@dataclass(frozen=True)
class Tolerance:
    """A +- tolerance: an absolute value in the unit, or a percentage of the reading or span."""

    basis: ToleranceBasis
    value: Decimal

    def at(self, nominal: Decimal, span: Decimal | None) -> Decimal:
        """The +- limit in the unit at one nominal value."""
        if self.basis is ToleranceBasis.ABSOLUTE:
            return self.value
        if self.basis is ToleranceBasis.PERCENT_OF_READING:
            return abs(nominal) * self.value / HUNDRED
        if span is None or span <= 0:
            raise MetrologyInputError(
                "span",
                span,
                "a positive span for a percent-of-span tolerance",
                Message("lab.allowed_positive_span"),
            )
        return span * self.value / HUNDRED


@dataclass(frozen=True)
class CalibrationRule:
    """How one instrument type is calibrated: quantity, unit, tolerance, minimum points."""

    quantity: str
    unit: str
    tolerance: Tolerance | None = None
    min_points: int = 1


@dataclass(frozen=True)
class CalibrationReading:
    """One calibration point as entered: the reference value and the instrument's readings."""

    nominal: Decimal
    as_left: Decimal
    expanded_uncertainty: Decimal
    coverage_factor: Decimal = Decimal(2)
    as_found: Decimal | None = None


@dataclass(frozen=True)
class CalibrationPointResult:
    """One row of the calibration results table."""

    nominal: Decimal
    as_found: Decimal | None
    as_left: Decimal
    as_found_error: Decimal | None
    as_left_error: Decimal
    tolerance: Decimal | None
    expanded_uncertainty: Decimal
    coverage_factor: Decimal
    as_found_conforms: bool | None
    as_left_conforms: bool | None


@dataclass(frozen=True)
class CalibrationSheet:
    """The calibration results of one instrument."""

    quantity: str
    unit: str
    points: tuple[CalibrationPointResult, ...]

    @property
    def conforms(self) -> bool | None:
        """Whether every as-left error is within tolerance; None when no tolerance applies."""
        verdicts = [p.as_left_conforms for p in self.points]
        if any(v is None for v in verdicts):
            return None
        return all(verdicts)


def evaluate_calibration(
    rule: CalibrationRule,
    readings: Sequence[CalibrationReading],
    span: Decimal | None = None,
) -> CalibrationSheet:
    """Compute errors, round them to the uncertainty and judge them against the tolerance."""
    if len(readings) < rule.min_points:
        raise MetrologyInputError(
            "points",
            len(readings),
            f"at least {rule.min_points} calibration points",
            Message("lab.allowed_min_calibration_points", {"count": rule.min_points}),
        )
    results = []
    for index, reading in enumerate(readings):
        if reading.expanded_uncertainty <= 0:
            raise MetrologyInputError(
                f"points[{index}].expanded_uncertainty",
                reading.expanded_uncertainty,
                "a positive expanded uncertainty U",
                Message("lab.allowed_positive_uncertainty"),
            )
        if not Decimal(1) <= reading.coverage_factor <= Decimal(3):
            raise MetrologyInputError(
                f"points[{index}].coverage_factor",
                reading.coverage_factor,
                "a coverage factor k between 1 and 3 (usually 2)",
                Message("lab.allowed_coverage_factor"),
            )
        results.append(_point(rule, reading, span))
    return CalibrationSheet(rule.quantity, rule.unit, tuple(results))


def _point(
    rule: CalibrationRule, reading: CalibrationReading, span: Decimal | None
) -> CalibrationPointResult:
    uncertainty = significant_round_up(reading.expanded_uncertainty)
    quantum = Decimal(1).scaleb(uncertainty.as_tuple().exponent)  # type: ignore[arg-type]
    left_error = round_half_even(reading.as_left - reading.nominal, quantum)
    found_error = (
        None
        if reading.as_found is None
        else round_half_even(reading.as_found - reading.nominal, quantum)
    )
    tolerance = None if rule.tolerance is None else rule.tolerance.at(reading.nominal, span)
    return CalibrationPointResult(
        nominal=reading.nominal,
        as_found=reading.as_found,
        as_left=reading.as_left,
        as_found_error=found_error,
        as_left_error=left_error,
        tolerance=tolerance,
        expanded_uncertainty=uncertainty,
        coverage_factor=reading.coverage_factor,
        as_found_conforms=None
        if tolerance is None or found_error is None
        else abs(found_error) <= tolerance,
        as_left_conforms=None if tolerance is None else abs(left_error) <= tolerance,
    )
