from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.domain.geometry import Box
from laneguard.detection.domain.tracking import (
    ByteTracker,
    Detection,
    TrackerConfig,
    _buffered,
    _iou,
)

P = ObjectClass.PEDESTRIAN


def det(x: float, score: float = 0.9, y: float = 100) -> Detection:
    return Detection(Box(x, y, x + 30, y + 80), score, P)


def test_a_walking_person_keeps_one_id() -> None:
    tracker = ByteTracker()
    ids = set()
    for i in range(20):
        for t in tracker.update([det(100 + 8 * i)], i / 10):
            ids.add(t.track_id)
    assert ids == {1}


def test_two_people_get_two_ids_and_keep_them_when_crossing_paths() -> None:
    tracker = ByteTracker()
    by_frame = []
    for i in range(15):
        seen = tracker.update([det(100 + 6 * i, y=100), det(300 - 6 * i, y=300)], i / 10)
        by_frame.append({t.track_id: t.box.y1 for t in seen})
    assert by_frame[-1] == {1: 100, 2: 300}


def test_a_low_score_detection_keeps_an_occluded_track_alive() -> None:
    """ByteTrack's second stage: a weak box still continues the track it overlaps."""
    tracker = ByteTracker()
    for i in range(5):
        tracker.update([det(100 + 2 * i)], i / 10)
    seen = tracker.update([det(110, score=0.2)], 0.5)
    assert [t.track_id for t in seen] == [1]
    no_second_stage = ByteTracker(TrackerConfig(low_score=0.5))
    for i in range(5):
        no_second_stage.update([det(100 + 2 * i)], i / 10)
    assert no_second_stage.update([det(110, score=0.2)], 0.5) == []


def test_a_lone_false_positive_never_becomes_a_track() -> None:
    tracker = ByteTracker()
    assert tracker.update([det(100)], 0.0) == []
    assert tracker.update([], 0.1) == []
    assert tracker.tracks == []


def test_a_track_lost_too_long_is_removed_and_reported() -> None:
    tracker = ByteTracker(TrackerConfig(max_lost_frames=3))
    tracker.update([det(100)], 0.0)
    tracker.update([det(102)], 0.1)
    removed = []
    for i in range(5):
        tracker.update([], 0.2 + i / 10)
        removed += [t.track_id for t in tracker.removed]
    assert removed == [1]


def test_a_fast_mover_keeps_its_id_thanks_to_the_buffer() -> None:
    """25 px a frame with a 30 px box: plain IoU of consecutive boxes is under 0.1."""
    tracker = ByteTracker()
    ids = set()
    for i in range(10):
        ids |= {t.track_id for t in tracker.update([det(100 + 25 * i)], i / 10)}
    assert ids == {1}


def test_a_near_duplicate_box_does_not_steal_the_id() -> None:
    tracker = ByteTracker()
    for i in range(5):
        tracker.update([det(100 + 2 * i)], i / 10)
    tracker.update([det(110), det(118, score=0.7)], 0.5)
    seen = tracker.update([det(114)], 0.6)
    assert [t.track_id for t in seen] == [1]


def test_weak_bridging_boxes_do_not_drag_the_median_score_down() -> None:
    tracker = ByteTracker()
    for i in range(4):
        tracker.update([det(100 + 2 * i, score=0.9)], i / 10)
    for i in range(4, 14):
        tracker.update([det(100 + 2 * i, score=0.2)], i / 10)
    (track,) = tracker.tracks
    assert track.median_score == 0.9
    assert track.score == 0.2


coord = st.floats(-100, 900, allow_nan=False)
size = st.floats(0, 300, allow_nan=False)


@given(coord, coord, size, size, coord, coord, size, size, st.sampled_from([0.0, 0.3, 0.5]))
@settings(max_examples=300, deadline=None)
def test_the_matcher_scores_pairs_by_the_iou_of_the_grown_boxes(
    ax: float, ay: float, aw: float, ah: float,
    bx: float, by: float, bw: float, bh: float, buffer: float,
) -> None:  # fmt: skip
    """The matcher's inner loop works on edges, not boxes; its IoU is Box.iou's exactly."""
    a, b = Box(ax, ay, ax + aw, ay + ah), Box(bx, by, bx + bw, by + bh)

    def grown(box: Box) -> Box:
        return box.shifted(0.0, 0.0, 2 * buffer * box.width, 2 * buffer * box.height)

    assert _iou(_buffered(a, buffer), _buffered(b, buffer)) == grown(a).iou(grown(b))
