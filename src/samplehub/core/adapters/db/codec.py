"""JSON for nested domain value objects (dataclasses, enums, Decimal, dates), without pickle.

Each dataclass and enum is written with its qualified name; reading resolves names only inside
a slice's ``domain`` package (``samplehub.<slice>.domain``), so stored JSON can never make the
reader import or build anything else. Records written before the slices name the old flat
``samplehub.domain`` modules; ``LEGACY_MODULES`` maps each to where it lives now.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

DOMAIN_MODULE = re.compile(r"samplehub\.[a-z_]+\.domain(\.[a-z_0-9]+)+")
# module names stored before the capability slices (2026-12): old -> new
LEGACY_MODULES = {
    "samplehub.domain.audit": "samplehub.core.domain.audit",
    "samplehub.domain.battery": "samplehub.fleet.domain.battery",
    "samplehub.domain.credit_code": "samplehub.core.domain.credit_code",
    "samplehub.domain.dispatch": "samplehub.fleet.domain.dispatch",
    "samplehub.domain.epc": "samplehub.core.domain.epc",
    "samplehub.domain.errors": "samplehub.core.domain.errors",
    "samplehub.domain.events": "samplehub.core.domain.events",
    "samplehub.domain.intake": "samplehub.intake.domain.intake",
    "samplehub.domain.lab_events": "samplehub.core.domain.lab_events",
    "samplehub.domain.lifecycle": "samplehub.core.domain.lifecycle",
    "samplehub.domain.locations": "samplehub.core.domain.locations",
    "samplehub.domain.metrology.calibration": "samplehub.lab.domain.calibration",
    "samplehub.domain.metrology.certificate": "samplehub.lab.domain.certificate",
    "samplehub.domain.metrology.dates": "samplehub.lab.domain.dates",
    "samplehub.domain.metrology.demo": "samplehub.lab.domain.demo",
    "samplehub.domain.metrology.errors": "samplehub.lab.domain.errors",
    "samplehub.domain.metrology.gauge": "samplehub.lab.domain.gauge",
    "samplehub.domain.metrology.jjg52": "samplehub.lab.domain.jjg52",
    "samplehub.domain.metrology.numbers": "samplehub.lab.domain.numbers",
    "samplehub.domain.metrology.rules": "samplehub.lab.domain.rules",
    "samplehub.domain.model": "samplehub.core.domain.model",
    "samplehub.domain.nameplate": "samplehub.intake.domain.nameplate",
    "samplehub.domain.nameplate_dial": "samplehub.intake.domain.nameplate_dial",
    "samplehub.domain.nameplate_match": "samplehub.intake.domain.nameplate_match",
    "samplehub.domain.nameplate_text": "samplehub.intake.domain.nameplate_text",
    "samplehub.domain.nameplate_types": "samplehub.intake.domain.nameplate_types",
    "samplehub.domain.numbering": "samplehub.core.domain.numbering",
    "samplehub.domain.permissions": "samplehub.core.domain.permissions",
    "samplehub.domain.pickup": "samplehub.pickup.domain.booking",
    "samplehub.domain.pickup_capacity": "samplehub.pickup.domain.capacity",
    "samplehub.domain.pickup_codes": "samplehub.pickup.domain.codes",
    "samplehub.domain.recall": "samplehub.recall.domain.recall",
    "samplehub.domain.sitemap": "samplehub.fleet.domain.sitemap",
    "samplehub.domain.storage": "samplehub.storage.domain.warehouse",
    "samplehub.fleet.domain.storage": "samplehub.storage.domain.warehouse",
    "samplehub.domain.timeline": "samplehub.core.domain.timeline",
    "samplehub.domain.traffic": "samplehub.fleet.domain.traffic",
}


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$t": _name(type(value)), **fields}
    if isinstance(value, enum.Enum):
        return {"$e": _name(type(value)), "v": value.value}
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"$fs": sorted(encode(v) for v in value)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$t" in value:
        cls = _resolve(value["$t"])
        return cls(**{k: decode(v) for k, v in value.items() if k != "$t"})
    if "$e" in value:
        return _resolve(value["$e"])(value["v"])
    if "$d" in value:
        return Decimal(value["$d"])
    if "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$tuple" in value:
        return tuple(decode(v) for v in value["$tuple"])
    if "$fs" in value:
        return frozenset(decode(v) for v in value["$fs"])
    return {k: decode(v) for k, v in value.items()}


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _resolve(name: str) -> Any:
    module, _, qualname = name.partition(":")
    module = LEGACY_MODULES.get(module, module)
    if not DOMAIN_MODULE.fullmatch(module) or "." in qualname:
        raise ValueError(f"stored type {name!r} is outside the slices' domain packages")
    return getattr(importlib.import_module(module), qualname)
