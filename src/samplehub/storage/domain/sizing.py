"""The size class a sample needs in storage, from its instrument.

The rule, in order (the first that applies wins):

1. A size class given at intake (``instrument.size_class``: S, M, L or XL) is kept as given.
2. Pressure gauges (压力表, 真空表, 压力真空表, 精密压力表, "pressure gauge") by dial size: a
   dial diameter in the model (``Y-100``, ``YN-60``, ``YB-150``: 40 to 250 mm) of at most
   100 mm → S, at most 160 mm → M, larger → L. Without a dial size: precision gauges (accuracy
   class 0.4 or finer, or 精密 in the type) → M (they are 150 mm or more), gauges for 60 MPa or
   more → M (heavy cases), any other gauge → S.
3. Weights (砝码) by their nominal mass (the range's upper bound): up to 1 kg → S, up to
   20 kg → M, heavier → L.
4. Other types by keyword: balances and scales (天平, 秤, 台秤) → L; thermocouples and
   resistance thermometers (热电偶, 热电阻: long probes), pressure calibrators and pressure
   controllers (压力校验仪, 压力控制器) → M; thermometers, multimeters, calipers, micrometers,
   dial indicators, transmitters and hand-held meters → S.
5. Anything else → M.
"""

from __future__ import annotations

import re
from decimal import Decimal

from samplehub.core.domain.instrument import Instrument

GAUGE_WORDS = ("压力表", "真空表", "pressure gauge", "vacuum gauge", "manometer")
DIALS_MM = (40, 50, 60, 63, 75, 100, 150, 160, 200, 250)
DIAL = re.compile(r"(?<![0-9.])(" + "|".join(str(d) for d in DIALS_MM) + r")(?![0-9.])")
MPA = {"mpa": Decimal(1), "kpa": Decimal("0.001"), "bar": Decimal("0.1"), "pa": Decimal("1e-6")}
KG = {"kg": Decimal(1), "g": Decimal("0.001"), "mg": Decimal("0.000001"), "t": Decimal(1000)}
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("L", ("天平", "台秤", "秤", "balance", "scale")),
    ("M", ("热电偶", "热电阻", "thermocouple", "rtd", "压力校验仪", "压力控制器", "calibrator")),
    ("S", ("温度计", "thermometer", "万用表", "multimeter", "卡尺", "caliper", "千分尺",
           "micrometer", "百分表", "千分表", "indicator", "变送器", "transmitter", "表")),
)  # fmt: skip
DEFAULT = "M"


def _in(unit: str | None, table: dict[str, Decimal], value: Decimal | None) -> Decimal | None:
    factor = table.get((unit or "").strip().lower())
    return None if factor is None or value is None else value * factor


def _gauge(instrument: Instrument) -> tuple[str, str]:
    dial = DIAL.search(instrument.model or "")
    if dial is not None:
        mm = int(dial.group(1))
        size = "S" if mm <= 100 else "M" if mm <= 160 else "L"
        return size, f"pressure gauge, dial {mm} mm"
    accuracy = instrument.accuracy_class or ""
    try:
        fine = Decimal(accuracy) <= Decimal("0.4")
    except ArithmeticError:
        fine = False
    if fine or "精密" in instrument.instrument_type:
        return "M", "precision pressure gauge"
    top = _in(instrument.unit, MPA, instrument.range_max)
    if top is not None and top >= 60:
        return "M", f"pressure gauge up to {top.normalize()} MPa"
    return "S", "pressure gauge"


def size_class_of(instrument: Instrument) -> tuple[str, str]:
    """The size class the instrument needs and why (the rule above, in words)."""
    if instrument.size_class:
        return instrument.size_class, "given at intake"
    kind = instrument.instrument_type.lower()
    if any(word in kind for word in GAUGE_WORDS):
        return _gauge(instrument)
    if "砝码" in kind or "weight" in kind:
        mass = _in(instrument.unit, KG, instrument.range_max)
        if mass is not None:
            size = "S" if mass <= 1 else "M" if mass <= 20 else "L"
            return size, f"weight of {mass.normalize()} kg"
    for size, words in KEYWORDS:
        if any(word in kind for word in words):
            return size, f"instrument type {instrument.instrument_type}"
    return DEFAULT, "any other instrument"
