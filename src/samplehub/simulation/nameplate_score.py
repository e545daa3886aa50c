"""Field accuracy of proposed nameplate fields against generated ground truth."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from samplehub.intake.domain.nameplate import FIELD_NAMES

# Scored: the fields of the `vision read` contract (the extra ones are not generated).
SCORED_FIELDS = FIELD_NAMES


def same_value(predicted: Any, truth: Any) -> bool:
    """Numbers equal to 1e-9; text equal ignoring spaces and letter case; None only to None."""
    if truth is None or predicted is None:
        return truth is None and predicted is None
    if isinstance(truth, int | float) and not isinstance(truth, bool):
        return isinstance(predicted, int | float) and abs(float(predicted) - float(truth)) < 1e-9
    return "".join(str(predicted).split()).casefold() == "".join(str(truth).split()).casefold()


def field_accuracy(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> dict[str, float]:
    """Share of plates whose field equals the truth, per field, plus ``all`` over every field."""
    hits = dict.fromkeys(SCORED_FIELDS, 0)
    total = 0
    for predicted, truth in pairs:
        total += 1
        for name in SCORED_FIELDS:
            hits[name] += same_value(predicted.get(name), truth.get(name))
    if total == 0:
        return {}
    scores = {name: hits[name] / total for name in SCORED_FIELDS}
    scores["all"] = sum(hits.values()) / (total * len(SCORED_FIELDS))
    return scores
