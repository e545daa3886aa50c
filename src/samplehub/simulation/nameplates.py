"""Synthetic nameplates with ground truth, for testing and measuring the vision pipeline.

Each plate is a random but plausible instrument (type, range and unit that belong together,
class as such instruments print it), written with the captions and spellings real plates use
(Chinese or English, ``0~1.6MPa`` or ``(0-1.6) MPa``), plus lines that must NOT become fields
(standards, licence numbers, output signals). Rendering and degradations are in
:mod:`samplehub.simulation.nameplate_render`.

    python -m samplehub.simulation.nameplates --out DIR --count 200 --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from samplehub.simulation.plate_spec import PlateSpec

# (written type, language, unit as printed -> ranges, classes as printed -> truth)
_PRESSURE_RANGES = [(0, 0.6), (0, 1), (0, 1.6), (0, 2.5), (0, 4), (0, 6), (0, 10), (0, 25)]
_COMPOUND_RANGES = [(-0.1, 0.3), (-0.1, 0.5), (-0.1, 0.9), (-0.1, 1.5)]


@dataclass(frozen=True)
class Kind:
    """A family of instruments: the names it is written as, its units, ranges and classes."""

    zh: tuple[str, ...]
    en: tuple[str, ...]
    units: tuple[str, ...]
    ranges: tuple[tuple[float, float], ...]
    classes: tuple[str, ...]
    models: tuple[str, ...]
    dial: bool = False
    extra_lines: tuple[str, ...] = ()


KINDS: tuple[Kind, ...] = (
    Kind(
        ("弹簧管压力表", "压力表", "耐震压力表", "不锈钢压力表"),
        ("Pressure Gauge", "Bourdon Tube Pressure Gauge"),
        ("MPa",),
        tuple(_PRESSURE_RANGES),
        ("1.6", "2.5", "1.0"),
        ("Y-100", "Y-60", "YN-100", "YTN-60", "Y-150"),
        dial=True,
    ),
    Kind(
        ("压力真空表", "真空压力表"),
        ("Compound Gauge",),
        ("MPa",),
        tuple(_COMPOUND_RANGES),
        ("1.6", "2.5"),
        ("YZ-100", "YZ-60"),
        dial=True,
    ),
    Kind(
        ("精密压力表",),
        ("Pressure Gauge",),
        ("MPa",),
        ((0, 1), (0, 1.6), (0, 2.5), (0, 6)),
        ("0.4", "0.25"),
        ("YB-150", "YB-150A"),
        dial=True,
    ),
    Kind(
        ("压力变送器", "差压变送器"),
        ("Pressure Transmitter",),
        ("kPa", "MPa"),
        ((0, 100), (0, 250), (0, 1.6), (-100, 100), (0, 40)),
        ("±0.5%FS", "±0.25%FS", "±0.1%FS", "0.5"),
        ("3051TG", "MIK-P300", "PT-124B", "EJA530E"),
        extra_lines=("output",),
    ),
    Kind(
        ("数字压力计",),
        ("Digital Pressure Gauge",),
        ("kPa", "MPa", "bar", "psi"),
        ((0, 100), (0, 2.5), (0, 60), (0, 1000)),
        ("±0.05%FS", "0.05", "±0.1%FS"),
        ("ConST211", "DPG-60", "XP2i"),
    ),
    Kind(
        ("双金属温度计", "温度计"),
        ("Bimetal Thermometer", "Thermometer"),
        ("℃", "°C"),
        ((0, 100), (0, 150), (0, 250), (-40, 60), (0, 400)),
        ("1.5", "1.0", "2.5"),
        ("WSS-411", "WSS-481", "WSS-311"),
    ),
    Kind(
        ("温度变送器",),
        ("Temperature Transmitter",),
        ("℃", "°C"),
        ((0, 200), (-50, 150), (0, 600)),
        ("±0.2%FS", "0.5"),
        ("SBWZ-2460", "TT-302"),
        extra_lines=("output",),
    ),
    Kind(
        ("电子天平",),
        ("Electronic Balance",),
        ("g", "kg"),
        ((0, 220), (0, 620), (0, 3.2)),
        ("",),
        ("JA2003", "FA1004", "BSA224S"),
    ),
    Kind(
        ("数字万用表",),
        ("Digital Multimeter",),
        ("V",),
        ((0, 1000), (0, 600), (0, 750)),
        ("",),
        ("UT61E", "VC890D", "DT9205A"),
    ),
)

MANUFACTURERS_ZH = (
    "上海正宝仪表四厂",
    "江苏申华仪表有限公司",
    "杭州华测仪器有限公司",
    "西安北方测控设备厂",
    "福建宏泰自动化股份有限公司",
)
MANUFACTURERS_EN = (
    "Shanghai Yichuan Instrument Co., Ltd.",
    "Hangzhou Meacon Automation Co., Ltd.",
    "Northfield Instruments Inc.",
    "Acme Gauge GmbH",
)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _range_text(low: float, high: float, unit: str, rng: random.Random, english: bool) -> str:
    lo, hi = _fmt(low), _fmt(high)
    styles = [f"{lo}~{hi}{unit}", f"({lo}-{hi}) {unit}", f"{lo} ~ {hi} {unit}", f"{lo}-{hi}{unit}"]
    if english:
        styles.append(f"{lo} to {hi} {unit}")
    if unit == "MPa":
        styles.append(f"{lo}~{hi}Mpa")
    if unit == "kPa":
        styles.append(f"{lo}~{hi}KPa")
    return rng.choice(styles)


def _unit_symbol(printed: str) -> str:
    return {"℃": "°C", "Mpa": "MPa", "KPa": "kPa"}.get(printed, printed)


def make_spec(rng: random.Random, layout: str) -> PlateSpec:
    """A random plate for a layout (metal, sticker or dial) with its ground truth."""
    kinds = [i for i, k in enumerate(KINDS) if k.dial] if layout == "dial" else range(len(KINDS))
    kind_index = rng.choice(list(kinds))
    kind = KINDS[kind_index]
    english = rng.random() < 0.35
    written = rng.choice(kind.en if english else kind.zh)
    unit = rng.choice(kind.units)
    low, high = rng.choice(kind.ranges)
    if unit in ("bar", "psi") and high < 10:
        high = {2.5: 25.0, 1.6: 16.0}.get(high, high * 10)
    klass = rng.choice(kind.classes)
    model = rng.choice(kind.models) if rng.random() < 0.85 else None
    serial = _serial(rng)
    manufacturer = (
        rng.choice(MANUFACTURERS_EN if english else MANUFACTURERS_ZH)
        if rng.random() < 0.8
        else None
    )
    year, month = rng.randint(2015, 2025), rng.randint(1, 12)
    has_date = rng.random() < 0.6
    truth: dict[str, Any] = {
        "instrument_type": written,
        "manufacturer": manufacturer,
        "model": model,
        "serial_number": serial,
        "range_min": float(low),
        "range_max": float(high),
        "unit": _unit_symbol(unit),
        "accuracy_class": klass or None,
        "production_date": f"{year}-{month:02d}" if has_date else None,
    }
    lines: list[tuple[str, str]] = []
    spec = PlateSpec("en" if english else "zh", kind_index, truth, lines, [])
    if layout == "dial":
        _dial_lines(spec, rng, written, unit, low, high, klass, model, serial, manufacturer)
        return spec
    cap = _captions(rng, english)
    lines.append((cap["type"], written))
    if model:
        lines.append((cap["model"], model))
    lines.append((cap["range"], _range_text(low, high, unit, rng, english)))
    if klass:
        lines.append((cap["class"], _class_text(klass, english, rng)))
    lines.append((cap["serial"], serial))
    if has_date:
        date = rng.choice([f"{year}年{month:02d}月", f"{year}.{month:02d}", f"{year}-{month:02d}"])
        lines.append((cap["date"], date if not english else f"{year}-{month:02d}"))
    if manufacturer:
        lines.append((cap["manufacturer"], manufacturer))
    spec.noise = _noise(rng, english, kind)
    if layout == "sticker" and rng.random() < 0.7:
        spec.qr_text = f"https://track.example.cn/i/{serial}"
    if layout == "sticker" and rng.random() < 0.4:
        spec.code128_text = serial
    return spec


def _serial(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 8)))
    return rng.choice(
        [
            digits,
            f"{rng.randint(19, 25)}{rng.choice('ABCDK')}{digits[:5]}",
            f"T{digits[:2]}-{digits[2:]}",
        ]
    )


def _captions(rng: random.Random, english: bool) -> dict[str, str]:
    if english:
        return {
            "type": rng.choice(["", "Name:"]),
            "model": rng.choice(["Model:", "Type:", "Model No."]),
            "range": rng.choice(["Range:", "Measuring Range:"]),
            "class": "",
            "serial": rng.choice(["Serial No.", "S/N:", "No."]),
            "date": rng.choice(["Date:", "Mfg. Date:"]),
            "manufacturer": rng.choice(["", "Manufacturer:"]),
        }
    return {
        "type": rng.choice(["", "名称：", "仪表名称："]),
        "model": rng.choice(["型号：", "规格型号：", "型号 "]),
        "range": rng.choice(["测量范围：", "量程：", "测量范围 "]),
        "class": "",
        "serial": rng.choice(["出厂编号：", "编号：", "No.", "出厂编号 "]),
        "date": rng.choice(["出厂日期：", "生产日期：", ""]),
        "manufacturer": rng.choice(["", "制造商：", "制造厂："]),
    }


def _class_text(klass: str, english: bool, rng: random.Random) -> str:
    if klass.startswith("±"):
        return rng.choice([f"Accuracy: {klass}", klass]) if english else f"精度：{klass}"
    if english:
        return rng.choice([f"Class {klass}", f"CL {klass}", f"Accuracy Class: {klass}"])
    return rng.choice([f"精度等级：{klass}级", f"准确度等级 {klass}级", f"{klass}级"])


def _noise(rng: random.Random, english: bool, kind: Kind) -> list[str]:
    pool = ["执行标准：GB/T 1226-2017", "制造计量器具许可证 沪制00000123号", "防护等级 IP65"]
    if english:
        pool = ["Standard: GB/T 1226-2017", "Made in China", "IP65"]
    noise = rng.sample(pool, k=rng.randint(0, 2))
    if "output" in kind.extra_lines:
        noise.append("Output: 4~20mA" if english else "输出信号：4~20mA")
        noise.append("Power: 24VDC" if english else "电源：24VDC")
    return noise


def _dial_lines(
    spec: PlateSpec,
    rng: random.Random,
    written: str,
    unit: str,
    low: float,
    high: float,
    klass: str,
    model: str | None,
    serial: str,
    manufacturer: str | None,
) -> None:
    """A dial face prints the scale, not the range: the range is the scale's ends."""
    step = _scale_step(high - low)
    values, v = [], low
    while v <= high + 1e-9:
        values.append(_fmt(round(v, 6)))
        v += step
    spec.dial_scale = values
    spec.dial_unit = unit
    spec.lines = [
        ("", written),
        ("", model or ""),
        ("", f"{klass}级" if spec.language == "zh" else f"CL {klass}"),
        ("", f"No.{serial}"),
        ("", manufacturer or ""),
    ]
    spec.fields["production_date"] = None


def _scale_step(span: float) -> float:
    for step in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100):
        if span / step <= 10:
            return step
    return span / 10


def generate(out: Path, count: int, seed: int, *, max_width: int = 1000) -> list[dict[str, Any]]:
    """Render ``count`` plates into ``out`` with ``ground_truth.json``; returns its records."""
    from samplehub.simulation.nameplate_render import LAYOUTS, render_plate

    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, Any]] = []
    for index in range(count):
        layout = LAYOUTS[index % len(LAYOUTS)]
        spec = make_spec(rng, layout)
        image, meta = render_plate(spec, layout, rng, max_width=max_width)
        name = f"plate-{index:04d}.jpg"
        image.save(out / name, quality=82, optimize=True)
        codes = []
        if spec.qr_text:
            codes.append({"format": "QRCode", "text": spec.qr_text})
        if spec.code128_text:
            codes.append({"format": "Code128", "text": spec.code128_text})
        records.append(
            {"file": name, "layout": layout, **meta, "fields": spec.fields, "codes": codes}
        )
    (out / "ground_truth.json").write_text(
        json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return records


def _main() -> None:
    parser = argparse.ArgumentParser(description="Render synthetic nameplates with ground truth")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-width", type=int, default=1000)
    args = parser.parse_args()
    records = generate(args.out, args.count, args.seed, max_width=args.max_width)
    print(json.dumps({"out": str(args.out), "plates": len(records)}))


if __name__ == "__main__":
    _main()

__all__ = ["KINDS", "PlateSpec", "asdict", "generate", "make_spec"]
