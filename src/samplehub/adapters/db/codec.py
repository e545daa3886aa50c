"""JSON for nested domain value objects (dataclasses, enums, Decimal, dates), without pickle.

Each dataclass and enum is written with its qualified name; reading resolves names only inside
``samplehub.domain``, so stored JSON can never make the reader import or build anything else.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

ALLOWED_PREFIX = "samplehub.domain."


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
    if not module.startswith(ALLOWED_PREFIX) or "." in qualname:
        raise ValueError(f"stored type {name!r} is outside {ALLOWED_PREFIX}")
    return getattr(importlib.import_module(module), qualname)
