"""One-to-one pairing, best candidate first: the tracker's tracks to detections (by IoU) and the
evaluation's reported incidents to labelled ones (by overlap) are paired this one way."""

from __future__ import annotations

from collections.abc import Iterable


def best_first(candidates: Iterable[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """(left index, right index) pairs from (score, left, right) candidates, highest score
    first; an index once paired is not paired again. Equal scores keep the candidates' order."""
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, left, right in sorted(candidates, key=lambda c: -c[0]):
        if left in used_left or right in used_right:
            continue
        used_left.add(left)
        used_right.add(right)
        pairs.append((left, right))
    return pairs
