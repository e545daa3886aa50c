"""Nameplate fields from OCR text: what the kiosk proposes for the customer to confirm.

Rules, not a model: a caption (出厂编号, Range, 精度等级 …) names the field of the text after it,
and shapes (``0~1.6MPa``, ``1.6级``, ``…有限公司``) find uncaptioned values. A field that is not
on the plate is None, never guessed; standards, licence numbers, output signals and supply
voltages are blanked or set aside first so that their numbers are not read as fields.
Standard library only; the vocabulary lives in :mod:`samplehub.intake.domain.nameplate_text`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from samplehub.intake.domain.nameplate_dial import read_dial_scale
from samplehub.intake.domain.nameplate_text import (
    UNIT_PATTERN,
    FieldReading,
    OcrLine,
    Row,
    Segment,
    blank_noise,
    group_rows,
    normalise_unit,
    parse_number,
    segment_row,
)
from samplehub.intake.domain.nameplate_types import DEFAULT_INSTRUMENT_TYPES, near_match

__all__ = [
    "DEFAULT_INSTRUMENT_TYPES",
    "FIELD_NAMES",
    "FieldReading",
    "NameplateReading",
    "OcrLine",
    "extract_fields",
]

# The fields of the `vision read` contract, in its order; production_date and category extend it.
FIELD_NAMES = (
    "instrument_type",
    "manufacturer",
    "model",
    "serial_number",
    "range_min",
    "range_max",
    "unit",
    "accuracy_class",
)
EXTRA_FIELD_NAMES = ("category", "production_date")

# How much a rule's own evidence is worth, multiplied by the OCR score of the row it read.
_CAPTIONED = 1.0
_SHAPED = 0.9
_ADJACENT = 0.7

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_RANGE_RE = re.compile(
    rf"(?<![A-Za-z0-9.])\(?\s*(?P<lo>{_NUMBER})\s*(?:{UNIT_PATTERN})?\s*"
    rf"(?:~|-|–|—|至|到|\.\.\.|…|\bto\b)\s*"
    rf"(?P<hi>{_NUMBER})\s*\)?\s*(?P<unit>{UNIT_PATTERN})",
    re.IGNORECASE,
)
_PERCENT_CLASS_RE = re.compile(r"±?\s*\d+(?:\.\d+)?\s*%\s*(?:F\.?\s*S\.?|RD|读数)?", re.I)
_NUMERIC_CLASS_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(级)?")
_LETTER_CLASS_RE = re.compile(r"^(AA|A|B|C|Ⅰ|Ⅱ|Ⅲ|Ⅳ|IV|III|II|I)\s*级?(?![A-Za-z])")
_MARKED_CLASS_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*级")
_DATE_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[年./-]\s*(\d{1,2})(?:\s*[月./-]\s*(\d{1,2})\s*日?|\s*月)?(?!\d)"
)
_COMPANY_RE = re.compile(
    r"^(.*(?:有限责任公司|股份有限公司|有限公司|公司|集团|厂|Co\.,?\s*Ltd\.?|Ltd\.?|Inc\.?"
    r"|GmbH|Corp\.?|Corporation|LLC|Instruments?))",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/.#()]*")
_MODEL_LIKE_RE = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z0-9-]*[A-Za-z])(?=[A-Za-z0-9-]*\d)"
    r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+(?![A-Za-z0-9])"
)
# OCR reads a zero in "(0-1)" as the letter O; only before a range separator or a digit.
_LETTER_O_AS_ZERO = re.compile(r"(?<![A-Za-z])[Oo](?=\s*(?:[-~.]\s*\d|\d))")
# In a serial number a letter O among digits is a zero read wrongly (T0O-1192).
_LETTER_O_IN_DIGITS = re.compile(r"(?<=\d)[Oo](?=[\d-]|$)|(?<=[-\d])[Oo](?=\d)")
_NUMBER_ONLY_RE = re.compile(r"-?\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_IN_TYPE = set("厂司:：)）(（、，,")


@dataclass(frozen=True)
class NameplateReading:
    """Every field the rules proposed, keyed by the names in FIELD_NAMES and EXTRA_FIELD_NAMES."""

    fields: Mapping[str, FieldReading]

    def values(self, extras: bool = False) -> dict[str, str | float | None]:
        names = FIELD_NAMES + (EXTRA_FIELD_NAMES if extras else ())
        return {name: self.fields[name].value for name in names}

    def confidences(self) -> dict[str, float]:
        return {name: self.fields[name].confidence for name in FIELD_NAMES + EXTRA_FIELD_NAMES}


def extract_fields(
    lines: Sequence[OcrLine], instrument_types: Mapping[str, str] | None = None
) -> NameplateReading:
    """Propose nameplate fields from recognised text boxes (any order; boxes give the rows).

    ``instrument_types`` extends the built-in dictionary (written name -> category).
    """
    types = dict(DEFAULT_INSTRUMENT_TYPES)
    if instrument_types:
        types.update(instrument_types)
    rows = [Row(blank_noise(row.text), row.score) for row in group_rows(list(lines))]
    segmented = [segment_row(row) for row in rows]
    _borrow_values_from_next_row(segmented)
    segments = [seg for row in segmented for seg in row if seg.field != "ignore"]

    found: dict[str, FieldReading] = {}
    type_reading, category, model_hint = _instrument_type(segments, types)
    found["instrument_type"] = type_reading
    found["category"] = category
    found["manufacturer"] = _manufacturer(segments)
    found["model"] = (
        _captioned_token(segments, "model")
        or model_hint
        or _standalone_model(segments)
        or FieldReading.absent()
    )
    found["serial_number"] = _captioned_token(segments, "serial_number") or FieldReading.absent()
    found.update(_range(segments))
    if found["range_min"].value is None:
        found.update(read_dial_scale(lines))
    found["accuracy_class"] = _accuracy(segments)
    found["production_date"] = _date(segments)
    return NameplateReading(found)


def _borrow_values_from_next_row(rows: list[list[Segment]]) -> None:
    """A caption alone at the end of a row takes the next row's uncaptioned start as its value."""
    for index in range(len(rows) - 1):
        row, following = rows[index], rows[index + 1]
        if not row or row[-1].field in (None, "ignore") or row[-1].text:
            continue
        if following and following[0].field is None:
            last = row[-1]
            nxt = following.pop(0)
            row[-1] = Segment(last.field, nxt.text, min(last.score, nxt.score))


def _captioned(segments: list[Segment], field: str) -> list[Segment]:
    return [seg for seg in segments if seg.field == field and seg.text]


def _uncaptioned_first(segments: list[Segment], field: str) -> list[Segment]:
    """Segments to search for a field: its captioned ones first, then uncaptioned ones."""
    return _captioned(segments, field) + [s for s in segments if s.field is None and s.text]


def _instrument_type(
    segments: list[Segment], types: Mapping[str, str]
) -> tuple[FieldReading, FieldReading, FieldReading | None]:
    terms = sorted(types, key=len, reverse=True)
    for seg in _uncaptioned_first(segments, "instrument_type"):
        for term in terms:
            match = re.search(re.escape(term), seg.text, re.IGNORECASE)
            if not match and term.isascii():
                near = near_match(term, seg.text)
                if near is not None:
                    weight = (_CAPTIONED if seg.field == "instrument_type" else _SHAPED) * 0.8
                    return (
                        FieldReading(near, _conf(seg.score, weight)),
                        FieldReading(types[term], _conf(seg.score, weight)),
                        _model_near(seg),
                    )
            if not match:
                continue
            start = match.start()
            if _CJK.match(term):
                while start > 0 and _CJK.match(seg.text[start - 1]):
                    if seg.text[start - 1] in _NOT_IN_TYPE:
                        break
                    start -= 1
            written = seg.text[start : match.end()]
            weight = _CAPTIONED if seg.field == "instrument_type" else _SHAPED
            hint = _model_near(seg)
            return (
                FieldReading(written, _conf(seg.score, weight)),
                FieldReading(types[term], _conf(seg.score, weight)),
                hint,
            )
    for seg in _captioned(segments, "instrument_type"):
        # A captioned name outside the dictionary is still the name as written.
        written = _MODEL_LIKE_RE.sub("", seg.text).strip(" -")
        if written:
            return (
                FieldReading(written, _conf(seg.score, _ADJACENT)),
                FieldReading.absent(),
                _model_near(seg),
            )
    return FieldReading.absent(), FieldReading.absent(), None


def _model_near(seg: Segment) -> FieldReading | None:
    """An uncaptioned code such as Y-100 printed beside the type name is the model."""
    match = _MODEL_LIKE_RE.search(seg.text)
    if not match:
        return None
    return FieldReading(match.group(0), _conf(seg.score, _ADJACENT))


def _standalone_model(segments: list[Segment]) -> FieldReading | None:
    """A row that is nothing but a code like YB-150A (dial faces print the model alone)."""
    for seg in segments:
        # Dial scale numbers may share the row; they are not part of the code.
        words = [w for w in seg.text.split() if not _NUMBER_ONLY_RE.fullmatch(w)]
        if seg.field is None and len(words) == 1 and _MODEL_LIKE_RE.fullmatch(words[0]):
            return FieldReading(words[0], _conf(seg.score, _ADJACENT))
    return None


def _captioned_token(segments: list[Segment], field: str) -> FieldReading | None:
    for seg in _captioned(segments, field):
        match = _TOKEN_RE.match(seg.text.lstrip(" :#.-"))
        if match:
            token = match.group(0).rstrip(".-/")
            if token.startswith("(") is False and token.count("(") < token.count(")"):
                token = token.rstrip(")")
            if field == "serial_number":
                token = _LETTER_O_IN_DIGITS.sub("0", token)
            if any(ch.isdigit() for ch in token) or field == "model":
                return FieldReading(token, _conf(seg.score, _CAPTIONED))
    return None


def _manufacturer(segments: list[Segment]) -> FieldReading:
    for seg in _captioned(segments, "manufacturer"):
        return FieldReading(seg.text.strip(), _conf(seg.score, _CAPTIONED))
    for seg in segments:
        if seg.field is not None:
            continue
        match = _COMPANY_RE.match(seg.text)
        if match:
            name = match.group(1).strip()
            if len(name) >= 4:
                return FieldReading(name, _conf(seg.score, _SHAPED))
    return FieldReading.absent()


def _range(segments: list[Segment]) -> dict[str, FieldReading]:
    for seg in _uncaptioned_first(segments, "range"):
        for match in _RANGE_RE.finditer(_LETTER_O_AS_ZERO.sub("0", seg.text)):
            unit = normalise_unit(match.group("unit"))
            if unit is None:
                continue
            if seg.field is None and unit in ("mA", "V", "Hz"):
                continue  # an uncaptioned 4~20mA or 24V is a signal or a supply, not a range
            low, high = parse_number(match.group("lo")), parse_number(match.group("hi"))
            if high <= low:
                continue
            weight = _CAPTIONED if seg.field == "range" else _SHAPED
            conf = _conf(seg.score, weight)
            return {
                "range_min": FieldReading(low, conf),
                "range_max": FieldReading(high, conf),
                "unit": FieldReading(unit, conf),
            }
    return {name: FieldReading.absent() for name in ("range_min", "range_max", "unit")}


def _accuracy(segments: list[Segment]) -> FieldReading:
    for seg in _captioned(segments, "accuracy_class"):
        text = seg.text.strip(" :")
        percent = _PERCENT_CLASS_RE.match(text)
        if percent:
            return FieldReading(_compact(percent.group(0)), _conf(seg.score, _CAPTIONED))
        letter = _LETTER_CLASS_RE.match(text)
        if letter:
            return FieldReading(letter.group(1), _conf(seg.score, _CAPTIONED))
        number = _NUMERIC_CLASS_RE.match(text)
        if number and _plausible_class(number.group(1)):
            return FieldReading(number.group(1), _conf(seg.score, _CAPTIONED))
    for seg in segments:
        if seg.field is not None:
            continue
        marked = _MARKED_CLASS_RE.search(seg.text)
        if marked and _plausible_class(marked.group(1)):
            return FieldReading(marked.group(1), _conf(seg.score, _SHAPED))
        percent = _PERCENT_CLASS_RE.search(seg.text)
        if percent and re.search(r"F\.?\s*S", percent.group(0), re.I):
            return FieldReading(_compact(percent.group(0)), _conf(seg.score, _SHAPED))
    return FieldReading.absent()


def _plausible_class(raw: str) -> bool:
    return 0 < float(raw) <= 5


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _date(segments: list[Segment]) -> FieldReading:
    for seg in _uncaptioned_first(segments, "production_date"):
        match = _DATE_RE.search(seg.text)
        if not match:
            continue
        year, month, day = match.group(1), int(match.group(2)), match.group(3)
        if not 1 <= month <= 12 or (day is not None and not 1 <= int(day) <= 31):
            continue
        iso = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        weight = _CAPTIONED if seg.field == "production_date" else _SHAPED
        return FieldReading(iso, _conf(seg.score, weight))
    return FieldReading.absent()


def _conf(score: float, weight: float) -> float:
    return round(max(0.0, min(1.0, score * weight)), 3)
