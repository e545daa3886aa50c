"""Scoring incidents against labelled ground truth: precision and recall.

An incident matches a ground-truth entry of the same zone when their time spans overlap, each
widened by a tolerance (labels were taken at one-second steps). Matching is one to one, largest
overlap first. Optional entries (borderline cases) neither count as misses nor, when matched,
as false alarms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    zone: str
    start_s: float
    end_s: float
    optional: bool = False


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


def _overlap(a: Span, b: Span, tolerance_s: float) -> float:
    lo = max(a.start_s, b.start_s - tolerance_s)
    hi = min(a.end_s, b.end_s + tolerance_s)
    return hi - lo


def score_incidents(found: Sequence[Span], truth: Sequence[Span], tolerance_s: float) -> Score:
    pairs: list[tuple[float, int, int]] = []
    for fi, f in enumerate(found):
        for ti, t in enumerate(truth):
            if f.zone == t.zone:
                ov = _overlap(f, t, tolerance_s)
                if ov >= 0:
                    pairs.append((ov, fi, ti))
    pairs.sort(key=lambda p: -p[0])
    used_f: set[int] = set()
    used_t: set[int] = set()
    tp = 0
    for _, fi, ti in pairs:
        if fi in used_f or ti in used_t:
            continue
        used_f.add(fi)
        used_t.add(ti)
        if not truth[ti].optional:
            tp += 1
    fp = len(found) - len(used_f)
    fn = sum(1 for ti, t in enumerate(truth) if not t.optional and ti not in used_t)
    return Score(tp, fp, fn)
