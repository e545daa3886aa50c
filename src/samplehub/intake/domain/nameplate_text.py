"""Low-level text rules for nameplates: OCR rows, labels, units and numbers.

Kept apart from :mod:`samplehub.intake.domain.nameplate` so that the field rules read as
rules and the vocabulary (labels in Chinese and English, unit spellings, noise patterns) can
grow on its own.
Standard library only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_FULL_TO_HALF = str.maketrans(
    {
        "：": ":",
        "（": "(",
        "）": ")",
        "，": ",",
        "．": ".",
        "－": "-",
        "−": "-",
        "／": "/",
        "～": "~",
        "〜": "~",
        "　": " ",
    }
)


def normalise_text(text: str) -> str:
    """Fold full-width punctuation to ASCII and collapse runs of spaces (OCR output varies)."""
    folded = text.translate(_FULL_TO_HALF)
    return re.sub(r"\s+", " ", folded).strip()


Point = tuple[float, float]


@dataclass(frozen=True)
class OcrLine:
    """One recognised text box: its text, the recogniser's score and its corners.

    ``quad`` is (top-left, top-right, bottom-right, bottom-left) as the detector gives them;
    tilted plates give tilted quads, which :func:`group_rows` straightens.
    """

    text: str
    score: float
    quad: tuple[Point, Point, Point, Point] | None = None


@dataclass(frozen=True)
class Row:
    """Text boxes on one visual row, joined left to right; score is the weakest box's."""

    text: str
    score: float


@dataclass(frozen=True)
class _Placed:
    line: OcrLine
    along: float  # position along the text direction
    across: float  # position across it (the row coordinate)
    height: float


def group_rows(lines: list[OcrLine]) -> list[Row]:
    """Join boxes that share a row so that a caption and its value meet again.

    Centres are turned by the plate's median tilt first, so a plate photographed 5° off level
    still groups by its own rows. Boxes without corners keep the order given, one row each.
    """
    if not lines or any(ln.quad is None for ln in lines):
        return [Row(normalise_text(ln.text), ln.score) for ln in lines if ln.text.strip()]
    tilts = sorted(_tilt(ln) for ln in lines)
    tilt = tilts[len(tilts) // 2]
    cos_t, sin_t = math.cos(tilt), math.sin(tilt)
    placed = []
    for ln in lines:
        assert ln.quad is not None
        cx = sum(p[0] for p in ln.quad) / 4
        cy = sum(p[1] for p in ln.quad) / 4
        (x0, y0), _, _, (x3, y3) = ln.quad
        height = max(math.hypot(x3 - x0, y3 - y0), 1.0)
        placed.append(_Placed(ln, cx * cos_t + cy * sin_t, -cx * sin_t + cy * cos_t, height))
    placed.sort(key=lambda p: p.across)
    rows: list[list[_Placed]] = []
    for item in placed:
        if rows and abs(item.across - _mean_across(rows[-1])) < 0.5 * min(
            item.height, min(p.height for p in rows[-1])
        ):
            rows[-1].append(item)
        else:
            rows.append([item])
    result: list[Row] = []
    for row in rows:
        row.sort(key=lambda p: p.along)
        text = normalise_text(" ".join(p.line.text for p in row))
        if text:
            result.append(Row(text, min(p.line.score for p in row)))
    return result


def _tilt(line: OcrLine) -> float:
    assert line.quad is not None
    (x0, y0), (x1, y1), _, _ = line.quad
    return math.atan2(y1 - y0, max(x1 - x0, 1e-6))


def _mean_across(row: list[_Placed]) -> float:
    return sum(p.across for p in row) / len(row)


# Labels: the field a printed caption introduces. "ignore" marks captions of values that are
# not fields of ours (standards, licences, output signals, supply) so that their numbers are
# never mistaken for a range, a serial number or a class.
LABELS: dict[str, tuple[str, ...]] = {
    "instrument_type": ("仪表名称", "产品名称", "名称", "品名", "Product Name", "Name", "Product"),
    "manufacturer": (
        "制造单位",
        "制造商",
        "制造厂",
        "生产厂家",
        "生产厂",
        "生产商",
        "厂家",
        "厂名",
        "Manufacturer",
        "Mfr.",
        "Made by",
    ),
    "model": ("规格型号", "型号规格", "型号", "规格", "Model No.", "Model", "Type No.", "Type"),
    "serial_number": (
        "出厂编号",
        "出厂号",
        "仪表编号",
        "序列号",
        "编号",
        "表号",
        "Serial Number",
        "Serial No.",
        "Ser. No.",
        "S/N",
        "SN",
        "No.",
        "No",
    ),
    "range": (
        "测量范围",
        "测量区间",
        "量程范围",
        "量程",
        "范围",
        "Measuring Range",
        "Range",
        "Span",
    ),
    "accuracy_class": (
        "准确度等级",
        "精度等级",
        "准确度",
        "精确度",
        "精度",
        "等级",
        "Accuracy Class",
        "Accuracy",
        "Class",
        "CL",
    ),
    "production_date": (
        "出厂日期",
        "生产日期",
        "制造日期",
        "日期",
        "Date of Manufacture",
        "Mfg. Date",
        "Mfg Date",
        "Date",
    ),
    "ignore": (
        "执行标准",
        "产品标准",
        "标准号",
        "标准",
        "Standard",
        "制造计量器具许可证",
        "计量器具许可证",
        "许可证编号",
        "许可证号",
        "许可证",
        "License No.",
        "Licence No.",
        "License",
        "Licence",
        "输出信号",
        "输出",
        "Output",
        "电源电压",
        "供电电源",
        "电源",
        "供电",
        "Power Supply",
        "Power",
        "Supply",
        "防护等级",
        "防爆等级",
        "防爆标志",
        "防爆",
        "环境温度",
        "使用温度",
        "工作温度",
        "介质温度",
        "Ambient",
        "Operating Temp",
        "过载",
        "Overload",
        "分度号",
        "接口",
        "螺纹",
        "Connection",
        "介质",
        "Medium",
        "负载",
        "Load",
    ),
}

_LABEL_ALTERNATIVES = sorted(
    ((label, field) for field, labels in LABELS.items() for label in labels),
    key=lambda pair: -len(pair[0]),
)
_FIELD_OF_LABEL = {label.casefold(): field for label, field in _LABEL_ALTERNATIVES}


def _label_pattern(label: str) -> str:
    escaped = re.escape(label)
    if label.isascii():
        # English captions are words: no letter before, no letter right after.
        # "SN2023…" is a serial, not a caption; "CL1.0" and "Class1.6" are captions.
        digits_may_follow = label in LABELS["accuracy_class"] or label == "No"
        tail = (
            ""
            if label.endswith(".")
            else r"(?![A-Za-z])"
            if digits_may_follow
            else r"(?![A-Za-z0-9])"
        )
        return rf"(?<![A-Za-z]){escaped}{tail}"
    # A Chinese caption runs straight into its value only through punctuation, a space or
    # Latin text; "标准" inside "标准压力表" is part of a name, not a caption.
    return rf"{escaped}(?![\u4e00-\u9fff])"


_LABEL_RE = re.compile(
    "|".join(f"(?:{_label_pattern(label)})" for label, _ in _LABEL_ALTERNATIVES),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Segment:
    """A stretch of one row: the field its caption names (None when uncaptioned) and its text."""

    field: str | None
    text: str
    score: float


def segment_row(row: Row) -> list[Segment]:
    """Split a row at every caption; text before the first caption is uncaptioned.

    A weak caption right after another caption with nothing between (``许可证 No.``,
    ``Serial No.``) belongs to the first one.
    """
    segments: list[Segment] = []
    field: str | None = None
    start = 0
    for match in _LABEL_RE.finditer(row.text):
        between = row.text[start : match.start()]
        if field is not None and not between.strip(" :.-"):
            start = match.end()
            continue
        if between.strip() or field is not None:
            segments.append(Segment(field, between, row.score))
        field = _FIELD_OF_LABEL[match.group(0).casefold()]
        start = match.end()
    segments.append(Segment(field, row.text[start:], row.score))
    return [
        Segment(s.field, s.text.strip(" :;,|"), s.score)
        for s in segments
        if s.text.strip(" :;,|") or s.field is not None
    ]


# Texts that look like numbers but are standards, licences or marks; blanked before rules run.
NOISE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"\b(?:GB|JJG|JJF|JB|HG|SH|DL|QB|YY)\s*/?\s*T?\s*\d{2,6}(?:\.\d+)?(?:-\d{2,4})?", re.I
    ),
    re.compile(r"\bQ/[A-Z0-9\s]*\d+(?:-\d{2,4})?", re.I),
    re.compile(r"\bXK\d{2}-\d{3}-\d{3,6}\b", re.I),
    re.compile(r"[\u4e00-\u9fff]制\s*\d{5,}\s*号"),
    re.compile(r"\bCMC\b", re.I),
    re.compile(r"\b(?:IP|Ex)\s*\d{2}[A-Z0-9]*\b"),
    re.compile(r"\bMade in China\b|中国制造", re.I),
    re.compile(r"\bM\d{2}\s*[x×X*]\s*\d(?:\.\d+)?\b"),
)


def blank_noise(text: str) -> str:
    """Replace standards, licence numbers and marks with spaces, keeping positions."""
    for pattern in NOISE_PATTERNS:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


# Unit spellings seen on plates and in OCR output, folded to one standard symbol each.
UNITS: dict[str, str] = {
    "mpa": "MPa",
    "kpa": "kPa",
    "pa": "Pa",
    "mbar": "mbar",
    "bar": "bar",
    "psi": "psi",
    "kgf/cm2": "kgf/cm²",
    "kgf/cm²": "kgf/cm²",
    "mmh2o": "mmH2O",
    "mmhg": "mmHg",
    "inhg": "inHg",
    "℃": "°C",
    "°℃": "°C",
    "°c": "°C",
    "ºc": "°C",
    "oc": "°C",
    "摄氏度": "°C",
    "°f": "°F",
    "℉": "°F",
    "mg": "mg",
    "kg": "kg",
    "g": "g",
    "t": "t",
    "mv": "mV",
    "kv": "kV",
    "v": "V",
    "ma": "mA",
    "µa": "µA",
    "ua": "µA",
    "a": "A",
    "mω": "MΩ",
    "kω": "kΩ",
    "ω": "Ω",
    "ohm": "Ω",
    "mm": "mm",
    "m": "m",
    "n·m": "N·m",
    "nm": "N·m",
    "n": "N",
    "%rh": "%RH",
    "hz": "Hz",
    "khz": "kHz",
}

# Case matters between MΩ and mΩ only; plates never carry milliohm ranges, so fold MΩ.
_UNIT_ALTERNATIVES = sorted(UNITS, key=len, reverse=True)
UNIT_PATTERN = "(?:" + "|".join(re.escape(u) for u in _UNIT_ALTERNATIVES) + r")(?![A-Za-z0-9])"


def normalise_unit(raw: str) -> str | None:
    """The standard symbol for a unit as printed (``Mpa`` -> ``MPa``, ``℃`` -> ``°C``)."""
    key = raw.strip().casefold().replace(" ", "")
    if raw.strip() == "MΩ":
        return "MΩ"
    return UNITS.get(key)


def parse_number(raw: str) -> float:
    """A printed number as a float; full-width minus and a stray '+' are accepted."""
    return float(raw.replace("−", "-").replace("+", "").replace(",", "."))


@dataclass(frozen=True)
class FieldReading:
    """One proposed field: its value (None when not on the plate) and how sure the rule is."""

    value: str | float | None
    confidence: float

    @staticmethod
    def absent() -> FieldReading:
        return FieldReading(None, 0.0)
