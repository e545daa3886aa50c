"""Instrument types as data: which regulation or method applies, with its figures and interval.

The rule book is built by an adapter from YAML; this module holds only the rule objects so the
domain can reason about a new instrument type without new code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from samplehub.core.domain.messages import Message
from samplehub.lab.domain.calibration import CalibrationRule
from samplehub.lab.domain.errors import MetrologyInputError
from samplehub.lab.domain.jjg52 import ElasticGaugeRule


class Method(Enum):
    """How an instrument type's results are judged."""

    ELASTIC_GAUGE = "elastic_gauge"
    CALIBRATION = "calibration"


_METHOD_FIGURES = {
    Method.ELASTIC_GAUGE: (
        "gauge",
        "accuracy classes for an elastic_gauge type",
        Message("lab.allowed_gauge_classes"),
    ),
    Method.CALIBRATION: (
        "calibration",
        "quantity and unit for a calibration type",
        Message("lab.allowed_calibration_rule"),
    ),
}
"""Each method's figures: the field that holds them, and what to say when they are missing."""


@dataclass(frozen=True)
class InstrumentTypeRule:
    """One instrument type: names, discipline, document, interval and its method's figures."""

    code: str
    name_zh: str
    name_en: str
    discipline: str
    document: str
    interval_months: int
    method: Method
    gauge: ElasticGaugeRule | None = None
    calibration: CalibrationRule | None = None

    def __post_init__(self) -> None:
        if self.interval_months < 1:
            raise MetrologyInputError(
                f"{self.code}.interval_months",
                self.interval_months,
                "a whole number of months, at least 1",
                Message("lab.allowed_interval_at_least_one"),
            )
        figures, allowed, message = _METHOD_FIGURES[self.method]
        if getattr(self, figures) is None:
            raise MetrologyInputError(f"{self.code}.{figures}", None, allowed, message)


def not_a_gauge_type(code: str) -> MetrologyInputError:
    """Gauge readings were given for a type that is not verified as an elastic gauge."""
    return MetrologyInputError(
        "instrument_type",
        code,
        "an elastic_gauge type for gauge readings",
        Message("lab.allowed_gauge_type"),
    )


class RuleBook:
    """Every known instrument type, looked up by code."""

    def __init__(self, rules: Iterable[InstrumentTypeRule]):
        self._rules: dict[str, InstrumentTypeRule] = {}
        for rule in rules:
            if rule.code in self._rules:
                raise MetrologyInputError(
                    "code",
                    rule.code,
                    "each instrument type code once",
                    Message("lab.allowed_type_code_once"),
                )
            self._rules[rule.code] = rule

    @property
    def types(self) -> Mapping[str, InstrumentTypeRule]:
        return dict(self._rules)

    def get(self, code: str) -> InstrumentTypeRule:
        """The rule for ``code``, or an error listing the codes that exist."""
        if code not in self._rules:
            known = ", ".join(sorted(self._rules)) or "(none loaded)"
            raise MetrologyInputError(
                "instrument_type",
                code,
                f"one of {known}",
                Message("lab.allowed_one_of", {"values": known}),
            )
        return self._rules[code]
