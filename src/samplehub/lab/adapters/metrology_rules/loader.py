"""Parse instrument-type YAML into a domain ``RuleBook``, naming the path of every bad entry."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from samplehub.core.domain.messages import Message
from samplehub.lab.domain.calibration import CalibrationRule, Tolerance, ToleranceBasis
from samplehub.lab.domain.errors import MetrologyInputError
from samplehub.lab.domain.jjg52 import ClassLimits, ElasticGaugeRule
from samplehub.lab.domain.numbers import parse_decimal
from samplehub.lab.domain.rules import InstrumentTypeRule, Method, RuleBook

DEFAULT_RULES = Path(__file__).with_name("instrument_types.yaml")
_TYPE_KEYS = {
    "name_zh", "name_en", "discipline", "document", "interval_months", "method", "gauge",
    "calibration",
}  # fmt: skip


def load_rule_book(path: Path = DEFAULT_RULES) -> RuleBook:
    """Read a rules file; a YAML or structure error names the file and the entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MetrologyInputError(
            "rules_file",
            str(path),
            f"a readable file ({exc.strerror})",
            Message("lab.allowed_readable_file", {"problem": exc.strerror}),
        ) from exc
    except yaml.YAMLError as exc:
        raise MetrologyInputError(
            "rules_file",
            str(path),
            f"valid YAML ({exc})",
            Message("lab.allowed_valid_yaml", {"problem": str(exc)}),
        ) from exc
    return parse_rule_book(data)


def parse_rule_book(data: object) -> RuleBook:
    """Build the rule book from already-parsed YAML."""
    root = _mapping(data, "rules")
    if root.get("version") != 1:
        raise MetrologyInputError(
            "version", root.get("version"), "1", Message("lab.allowed_version")
        )
    types = _mapping(root.get("instrument_types"), "instrument_types")
    return RuleBook(_type(str(code), body) for code, body in types.items())


def _type(code: str, body: object) -> InstrumentTypeRule:
    where = f"instrument_types.{code}"
    entry = _mapping(body, where)
    _known_keys(entry, _TYPE_KEYS, where)
    method_text = _text(entry, "method", where)
    try:
        method = Method(method_text)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in Method)
        raise MetrologyInputError(
            f"{where}.method",
            method_text,
            f"one of {allowed}",
            Message("lab.allowed_one_of", {"values": allowed}),
        ) from exc
    interval = entry.get("interval_months")
    if not isinstance(interval, int) or isinstance(interval, bool):
        raise MetrologyInputError(
            f"{where}.interval_months",
            interval,
            "a whole number of months",
            Message("lab.allowed_whole_months"),
        )
    return InstrumentTypeRule(
        code=code,
        name_zh=_text(entry, "name_zh", where),
        name_en=_text(entry, "name_en", where),
        discipline=_text(entry, "discipline", where),
        document=_text(entry, "document", where),
        interval_months=interval,
        method=method,
        gauge=_gauge(entry["gauge"], f"{where}.gauge", _text(entry, "document", where))
        if "gauge" in entry
        else None,
        calibration=_calibration(entry["calibration"], f"{where}.calibration")
        if "calibration" in entry
        else None,
    )


def _gauge(body: object, where: str, document: str) -> ElasticGaugeRule:
    entry = _mapping(body, where)
    _known_keys(entry, {"classes", "top_zone_from", "min_points"}, where)
    classes = {}
    for key, limits in _mapping(entry.get("classes"), f"{where}.classes").items():
        name = str(parse_decimal(key, f"{where}.classes"))
        limit_map = _mapping(limits, f"{where}.classes.{name}")
        _known_keys(limit_map, {"main", "top"}, f"{where}.classes.{name}")
        classes[name] = ClassLimits(
            parse_decimal(limit_map.get("main"), f"{where}.classes.{name}.main"),
            parse_decimal(limit_map.get("top"), f"{where}.classes.{name}.top"),
        )
    return ElasticGaugeRule(
        regulation=document,
        classes=classes,
        top_zone_from=parse_decimal(entry.get("top_zone_from", "0.9"), f"{where}.top_zone_from"),
        min_points=_count(entry.get("min_points", 5), f"{where}.min_points"),
    )


def _calibration(body: object, where: str) -> CalibrationRule:
    entry = _mapping(body, where)
    _known_keys(entry, {"quantity", "unit", "min_points", "tolerance"}, where)
    tolerance = None
    if entry.get("tolerance") is not None:
        tol = _mapping(entry["tolerance"], f"{where}.tolerance")
        _known_keys(tol, {"basis", "value"}, f"{where}.tolerance")
        try:
            basis = ToleranceBasis(tol.get("basis"))
        except ValueError as exc:
            allowed = ", ".join(b.value for b in ToleranceBasis)
            raise MetrologyInputError(
                f"{where}.tolerance.basis",
                tol.get("basis"),
                f"one of {allowed}",
                Message("lab.allowed_one_of", {"values": allowed}),
            ) from exc
        tolerance = Tolerance(basis, parse_decimal(tol.get("value"), f"{where}.tolerance.value"))
    return CalibrationRule(
        quantity=_text(entry, "quantity", where),
        unit=_text(entry, "unit", where),
        tolerance=tolerance,
        min_points=_count(entry.get("min_points", 1), f"{where}.min_points"),
    )


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MetrologyInputError(
            where, value, "a mapping of keys to values", Message("lab.allowed_mapping")
        )
    return value


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MetrologyInputError(
            f"{where}.{key}", value, "a non-empty text", Message("lab.allowed_text")
        )
    return value.strip()


def _count(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise MetrologyInputError(
            where, value, "a whole number, at least 1", Message("lab.allowed_count")
        )
    return value


def _known_keys(entry: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(map(str, entry)) - allowed)
    if unknown:
        keys = ", ".join(sorted(allowed))
        raise MetrologyInputError(
            f"{where}.{unknown[0]}",
            unknown[0],
            f"one of the keys {keys}",
            Message("lab.allowed_keys", {"keys": keys}),
        )
