"""The instrument-type dictionary and the tolerant matching of its English names.

Written name -> normalised category. The kiosk shows the name as written; the category lets
staff group and route instruments. Extend it in configuration rather than here.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping

# Written type -> normalised category. Longer names win, so 弹簧管压力表 beats 压力表.
DEFAULT_INSTRUMENT_TYPES: Mapping[str, str] = {
    "弹簧管压力表": "pressure_gauge",
    "压力真空表": "pressure_gauge",
    "真空压力表": "pressure_gauge",
    "耐震压力表": "pressure_gauge",
    "隔膜压力表": "pressure_gauge",
    "电接点压力表": "pressure_gauge",
    "精密压力表": "pressure_gauge",
    "标准压力表": "pressure_gauge",
    "数字压力表": "digital_pressure_gauge",
    "压力表": "pressure_gauge",
    "真空表": "vacuum_gauge",
    "差压变送器": "pressure_transmitter",
    "压力变送器": "pressure_transmitter",
    "数字压力计": "digital_pressure_gauge",
    "温度变送器": "temperature_transmitter",
    "双金属温度计": "thermometer",
    "数字温度计": "thermometer",
    "温度计": "thermometer",
    "热电偶": "thermocouple",
    "热电阻": "resistance_thermometer",
    "电子天平": "balance",
    "电子秤": "scale",
    "数字万用表": "multimeter",
    "万用表": "multimeter",
    "Bourdon Tube Pressure Gauge": "pressure_gauge",
    "Digital Pressure Gauge": "digital_pressure_gauge",
    "Compound Gauge": "pressure_gauge",
    "Pressure Gauge": "pressure_gauge",
    "Vacuum Gauge": "vacuum_gauge",
    "Differential Pressure Transmitter": "pressure_transmitter",
    "Pressure Transmitter": "pressure_transmitter",
    "Temperature Transmitter": "temperature_transmitter",
    "Bimetal Thermometer": "thermometer",
    "Thermometer": "thermometer",
    "Thermocouple": "thermocouple",
    "Electronic Balance": "balance",
    "Digital Multimeter": "multimeter",
    "Multimeter": "multimeter",
}


def near_match(term: str, text: str) -> str | None:
    """The term itself when the text holds it with one OCR slip per 8 letters (Gayge -> Gauge).

    Returned in the dictionary's spelling, because the slip is the reader's, not the plate's.
    """
    if len(term) < 8:
        return None
    allowed = len(term) // 8
    folded, target = text.casefold(), term.casefold()
    for length in (len(target) - 1, len(target), len(target) + 1):
        for start in range(0, max(len(folded) - length + 1, 0)):
            if _edit_distance(folded[start : start + length], target, allowed) <= allowed:
                return term
    return None


def _edit_distance(a: str, b: str, limit: int) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
