"""Which of an order's expected items is the instrument on the platform?

The kiosk proposes a match from the nameplate reading: the serial number first (one OCR slip
tolerated on long serials), then model and type. It proposes; the customer confirms. Standard
library only; items are plain values so the order model can map onto them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from samplehub.intake.domain.nameplate import NameplateReading

SERIAL_EXACT = 1.0
SERIAL_NEAR = 0.8
MODEL_SAME = 0.5
TYPE_SAME = 0.3
CATEGORY_SAME = 0.2


@dataclass(frozen=True)
class ExpectedItem:
    """What the order says about one instrument; any of the descriptive fields may be blank."""

    item_id: str
    serial_number: str | None = None
    instrument_type: str | None = None
    model: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class ItemMatch:
    """One candidate item, how well it fits, and which fields agreed."""

    item_id: str
    score: float
    reasons: tuple[str, ...]


def _key(text: object) -> str:
    """Compare codes as OCR and typists vary them: case, spaces, dashes, O for 0."""
    folded = re.sub(r"[\s\-_/.]", "", str(text)).upper()
    return folded.replace("O", "0")


def _one_slip(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 6:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def match_items(reading: NameplateReading, items: Sequence[ExpectedItem]) -> list[ItemMatch]:
    """Candidates with a score above zero, best first; ties keep the order's item order."""
    values = reading.values(extras=True)
    serial = values["serial_number"]
    model = values["model"]
    written = values["instrument_type"]
    category = values["category"]
    matches: list[ItemMatch] = []
    for item in items:
        score, reasons = 0.0, []
        if serial and item.serial_number:
            if _key(serial) == _key(item.serial_number):
                score, reasons = SERIAL_EXACT, ["serial_number"]
            elif _one_slip(_key(serial), _key(item.serial_number)):
                score, reasons = SERIAL_NEAR, ["serial_number~"]
        if not reasons:
            if model and item.model and _key(model) == _key(item.model):
                score += MODEL_SAME
                reasons.append("model")
            if written and item.instrument_type and _key(written) == _key(item.instrument_type):
                score += TYPE_SAME
                reasons.append("instrument_type")
            elif category and item.category and category == item.category:
                score += CATEGORY_SAME
                reasons.append("category")
        if score > 0:
            matches.append(ItemMatch(item.item_id, round(score, 3), tuple(reasons)))
    return sorted(matches, key=lambda m: -m.score)


def best_match(reading: NameplateReading, items: Sequence[ExpectedItem]) -> ItemMatch | None:
    """The single best candidate, or None when there is none or two share the top score."""
    ranked = match_items(reading, items)
    if not ranked or (len(ranked) > 1 and ranked[1].score == ranked[0].score):
        return None
    return ranked[0]
