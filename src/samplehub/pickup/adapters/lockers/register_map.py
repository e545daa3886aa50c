"""Register maps of locker cabinet models and the cabinets installed, read from YAML or a dict.

A model says where door ``n``'s lock coil, door sensor and RFID presence flag live::

    models:
      generic-24:
        doors: 24
        lock_coil_base: 0        # coil of door 1; door n at base + (n - 1) * stride
        door_sensor_base: 0      # discrete input, 1 = open (invert with sensor_active_low)
        presence_base: 100       # discrete input, 1 = a tagged item is inside
        stride: 1
        sizes: {S: [1-12], M: [13-20], L: [21-24]}
        pulse_s: 0.3
        open_timeout_s: 3.0
    cabinets:
      C1: {model: generic-24, host: 127.0.0.1, port: 5020, device_id: 1}

Compartment codes are ``<cabinet>-<door, two digits>``, e.g. ``C1-07``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from samplehub.core.domain.errors import InvalidValue
from samplehub.pickup.domain.capacity import Compartment, CompartmentSize


@dataclass(frozen=True)
class CabinetModel:
    name: str
    doors: int
    lock_coil_base: int = 0
    door_sensor_base: int = 0
    presence_base: int = 100
    stride: int = 1
    sensor_active_low: bool = False
    sizes: tuple[CompartmentSize, ...] = ()  # per door, index 0 = door 1
    pulse_s: float = 0.3
    open_timeout_s: float = 3.0
    poll_s: float = 0.05

    def coil(self, door: int) -> int:
        return self.lock_coil_base + (door - 1) * self.stride

    def sensor(self, door: int) -> int:
        return self.door_sensor_base + (door - 1) * self.stride

    def presence(self, door: int) -> int:
        return self.presence_base + (door - 1) * self.stride


@dataclass(frozen=True)
class Cabinet:
    id: str
    model: CabinetModel
    host: str
    port: int
    device_id: int = 1

    def code(self, door: int) -> str:
        return f"{self.id}-{door:02d}"


@dataclass(frozen=True)
class LockerBank:
    cabinets: dict[str, Cabinet]

    def resolve(self, compartment: str) -> tuple[Cabinet, int]:
        cabinet_id, _, door_text = compartment.rpartition("-")
        cabinet = self.cabinets.get(cabinet_id)
        allowed = f"<cabinet>-<door> with cabinet one of {', '.join(sorted(self.cabinets))}"
        if cabinet is None or not door_text.isdigit():
            raise InvalidValue("compartment", compartment, allowed)
        door = int(door_text)
        if not 1 <= door <= cabinet.model.doors:
            raise InvalidValue("compartment", compartment, f"door 1 to {cabinet.model.doors}")
        return cabinet, door

    def compartments(self) -> list[Compartment]:
        return [
            Compartment(cabinet.code(door), cabinet.model.sizes[door - 1])
            for cabinet in self.cabinets.values()
            for door in range(1, cabinet.model.doors + 1)
        ]


def _sizes(name: str, doors: int, raw: object) -> tuple[CompartmentSize, ...]:
    """``{S: ["1-12"], M: [13, 14]}`` to one size per door; unnamed doors are M."""
    sizes = [CompartmentSize.M] * doors
    if raw is None:
        return tuple(sizes)
    if not isinstance(raw, dict):
        raise InvalidValue(f"models.{name}.sizes", raw, "a mapping of S/M/L to door ranges")
    for key, ranges in raw.items():
        size = CompartmentSize.parse(key, f"models.{name}.sizes")
        for item in ranges if isinstance(ranges, list) else [ranges]:
            first, _, last = str(item).partition("-")
            try:
                lo, hi = int(first), int(last or first)
            except ValueError:
                raise InvalidValue(f"models.{name}.sizes.{key}", item, "n or n-m") from None
            if not 1 <= lo <= hi <= doors:
                raise InvalidValue(f"models.{name}.sizes.{key}", item, f"doors 1 to {doors}")
            for door in range(lo, hi + 1):
                sizes[door - 1] = size
    return tuple(sizes)


_MODEL_KEYS = {f for f in CabinetModel.__dataclass_fields__ if f not in ("name",)}


def _model(name: str, raw: Any) -> CabinetModel:
    if not isinstance(raw, dict):
        raise InvalidValue(f"models.{name}", raw, "a mapping")
    unknown = sorted(set(raw) - _MODEL_KEYS)
    if unknown:
        raise InvalidValue(f"models.{name}", unknown, ", ".join(sorted(_MODEL_KEYS)))
    doors = raw.get("doors")
    if not isinstance(doors, int) or not 1 <= doors <= 256:
        raise InvalidValue(f"models.{name}.doors", doors, "1 to 256")
    values = {k: v for k, v in raw.items() if k != "sizes"}
    values["sizes"] = _sizes(name, doors, raw.get("sizes"))
    model = CabinetModel(name=name, **values)
    if model.open_timeout_s <= 0 or model.pulse_s <= 0 or model.poll_s <= 0:
        raise InvalidValue(f"models.{name}.open_timeout_s", model.open_timeout_s, "> 0")
    return model


def load_bank(source: dict[str, Any] | str | Path) -> LockerBank:
    """A locker bank from a dict or a YAML file, with every field checked."""
    if isinstance(source, (str, Path)):
        raw = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    else:
        raw = source
    if not isinstance(raw, dict):
        raise InvalidValue("lockers", type(raw).__name__, "a mapping with models and cabinets")
    models = {name: _model(name, spec) for name, spec in (raw.get("models") or {}).items()}
    cabinets: dict[str, Cabinet] = {}
    for cid, spec in (raw.get("cabinets") or {}).items():
        if not isinstance(spec, dict) or spec.get("model") not in models:
            allowed = ", ".join(sorted(models)) or "none defined"
            got = spec.get("model") if isinstance(spec, dict) else spec
            raise InvalidValue(f"cabinets.{cid}.model", got, allowed)
        if "-" in str(cid):
            raise InvalidValue("cabinets", cid, "an id without '-'")
        port = spec.get("port", 502)
        if not isinstance(port, int) or not 1 <= port <= 65535:
            raise InvalidValue(f"cabinets.{cid}.port", port, "1 to 65535")
        cabinets[str(cid)] = Cabinet(
            str(cid),
            models[spec["model"]],
            str(spec.get("host", "127.0.0.1")),
            port,
            int(spec.get("device_id", 1)),
        )
    if not cabinets:
        raise InvalidValue("cabinets", [], "at least one cabinet")
    return LockerBank(cabinets)
