"""Scoring incidents against labelled ground truth: precision and recall.

An incident matches a ground-truth entry of the same zone when their time spans overlap, each
widened by a tolerance (labels were taken at one-second steps). Matching is one to one, largest
overlap first. Optional entries (borderline cases) neither count as misses nor, when matched,
as false alarms. A span's `kind` (the class as reported: 行人, 非机动车, 摩托车) must agree too
when set, so a bicycle reported as a pedestrian is one miss and one false alarm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from laneguard.detection.domain.matching import best_first


@dataclass(frozen=True)
class Span:
    zone: str
    start_s: float
    end_s: float
    optional: bool = False
    kind: str = ""


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


def match_incidents(
    found: Sequence[Span], truth: Sequence[Span], tolerance_s: float
) -> list[tuple[int, int]]:
    """One-to-one (found index, truth index) pairs, largest overlap first."""
    pairs: list[tuple[float, int, int]] = []
    for fi, f in enumerate(found):
        for ti, t in enumerate(truth):
            if f.zone == t.zone and f.kind == t.kind:
                ov = _overlap(f, t, tolerance_s)
                if ov >= 0:
                    pairs.append((ov, fi, ti))
    return best_first(pairs)


def score_incidents(found: Sequence[Span], truth: Sequence[Span], tolerance_s: float) -> Score:
    matched = match_incidents(found, truth, tolerance_s)
    used_t = {ti for _, ti in matched}
    tp = sum(1 for _, ti in matched if not truth[ti].optional)
    fp = len(found) - len(matched)
    fn = sum(1 for ti, t in enumerate(truth) if not t.optional and ti not in used_t)
    return Score(tp, fp, fn)


@dataclass(frozen=True)
class ClipResult:
    """One labelled clip: what was found and what should have been, on the clip's clock."""

    name: str
    seconds: float
    found: tuple[Span, ...]
    truth: tuple[Span, ...]


@dataclass(frozen=True)
class Evaluation:
    """Incident-level figures over a set of clips."""

    per_kind: dict[str, Score]
    overall: Score
    seconds: float
    false_alarms: int
    delays_s: tuple[float, ...]

    @property
    def camera_hours(self) -> float:
        return self.seconds / 3600

    @property
    def false_alarms_per_camera_hour(self) -> float:
        return self.false_alarms / self.camera_hours if self.seconds > 0 else 0.0


def evaluate(clips: Sequence[ClipResult], tolerance_s: float) -> Evaluation:
    """Precision and recall per kind and overall, false alarms (found incidents that match no
    labelled one) and, for each labelled incident found, the delay from its labelled start to
    the alert (never negative: an alert inside the tolerance before the label counts as 0)."""
    kinds = sorted({s.kind for c in clips for s in (*c.found, *c.truth)})
    totals = {k: [0, 0, 0] for k in kinds}
    delays: list[float] = []
    false_alarms = 0
    for clip in clips:
        matched = match_incidents(clip.found, clip.truth, tolerance_s)
        used_f = {fi for fi, _ in matched}
        used_t = {ti for _, ti in matched}
        for fi, ti in matched:
            if not clip.truth[ti].optional:
                totals[clip.truth[ti].kind][0] += 1
                delays.append(max(0.0, clip.found[fi].start_s - clip.truth[ti].start_s))
        for fi, f in enumerate(clip.found):
            if fi not in used_f:
                totals[f.kind][1] += 1
                false_alarms += 1
        for ti, t in enumerate(clip.truth):
            if ti not in used_t and not t.optional:
                totals[t.kind][2] += 1
    per_kind = {k: Score(*v) for k, v in totals.items()}
    overall = Score(*(sum(v[i] for v in totals.values()) for i in range(3)))
    return Evaluation(
        per_kind=per_kind,
        overall=overall,
        seconds=sum(c.seconds for c in clips),
        false_alarms=false_alarms,
        delays_s=tuple(delays),
    )
