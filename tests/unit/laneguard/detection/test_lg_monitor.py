"""Zone rules and the incident lifecycle, frame by frame, with time passed in."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time, timedelta

from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened, ObjectClass
from laneguard.detection.domain.evaluation import Span, score_incidents
from laneguard.detection.domain.geometry import Box, Homography
from laneguard.detection.domain.monitor import Observation, ZoneMonitor
from laneguard.detection.domain.zones import (
    CameraRules,
    ClassRule,
    Direction,
    RiderRule,
    ScheduleWindow,
    Zone,
)

P = ObjectClass.PEDESTRIAN
LANE = Zone("lane-1", ((100.0, 100.0), (300.0, 100.0), (300.0, 300.0), (100.0, 300.0)),
            frozenset({P, ObjectClass.E_BIKE}))  # fmt: skip
T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday


def obs(x: float, y: float = 200, score: float = 0.9, **kw: object) -> Observation:
    """A 30x80 person whose feet are at (x, y)."""
    fields: dict[str, object] = {
        "track_id": 1, "box": Box(x - 15, y - 80, x + 15, y), "object_class": P,
        "score": score, "median_score": score,
    }  # fmt: skip
    fields.update(kw)
    return Observation(**fields)  # type: ignore[arg-type]


def run(monitor: ZoneMonitor, frames: list[list[Observation]], fps: float = 10.0):
    events = []
    for i, frame in enumerate(frames):
        events += monitor.update(frame, T0 + timedelta(seconds=i / fps), i / fps)
    return events


def rules(**kw: object) -> CameraRules:
    return dataclasses.replace(CameraRules("cam", (LANE,)), **kw)  # type: ignore[arg-type]


def test_inertia_then_open_then_end_after_leaving() -> None:
    m = ZoneMonitor(rules(exit_frames=2))
    frames = [[obs(50)]] + [[obs(200)]] * 5 + [[obs(400)]] * 3
    events = run(m, frames)
    opened = [e for e in events if isinstance(e, IncidentOpened)]
    ended = [e for e in events if isinstance(e, IncidentEnded)]
    assert len(opened) == 1
    assert len(ended) == 1
    assert opened[0].at == T0 + timedelta(seconds=0.3)  # third frame in the zone
    assert (opened[0].zone, opened[0].lane, opened[0].track_id) == ("lane-1", "lane-1", 1)
    assert ended[0].incident_id == opened[0].incident_id
    assert ended[0].frames == 5
    assert ended[0].at == T0 + timedelta(seconds=0.5)  # last frame seen inside


def test_two_frames_in_the_zone_are_not_enough() -> None:
    assert run(ZoneMonitor(rules()), [[obs(200)], [obs(200)], [obs(400)]]) == []


def test_min_dwell_delays_the_incident() -> None:
    zone = dataclasses.replace(LANE, min_dwell_s=1.0)
    events = run(ZoneMonitor(rules(zones=(zone,))), [[obs(200)]] * 12)
    assert [e.at for e in events] == [T0 + timedelta(seconds=1.0)]


def test_feet_outside_the_zone_do_not_count_even_if_the_head_is_over_it() -> None:
    # Feet at y=350 (below the zone), head at y=270 (inside it).
    assert run(ZoneMonitor(rules()), [[obs(200, y=350)]] * 10) == []


def test_masked_doorway_is_ignored() -> None:
    door = ((180.0, 150.0), (220.0, 150.0), (220.0, 250.0), (180.0, 250.0))
    assert run(ZoneMonitor(rules(masks=(door,))), [[obs(200)]] * 10) == []


def test_median_score_threshold_rejects_a_weak_track() -> None:
    weak = [[obs(200, score=0.5, median_score=0.45)]] * 10
    assert run(ZoneMonitor(rules()), weak) == []
    assert run(ZoneMonitor(rules(class_rules={P: ClassRule(threshold=0.4)})), weak) != []


def test_a_frame_below_min_score_neither_opens_nor_ends() -> None:
    frames = [[obs(200)]] * 4 + [[obs(400, score=0.1)]] * 10
    events = run(ZoneMonitor(rules()), frames)
    assert [type(e) for e in events] == [IncidentOpened]


def test_size_and_aspect_limits() -> None:
    tiny = ClassRule(min_area=5000)
    assert run(ZoneMonitor(rules(class_rules={P: tiny})), [[obs(200)]] * 10) == []
    flat = ClassRule(max_aspect=0.2)
    assert run(ZoneMonitor(rules(class_rules={P: flat})), [[obs(200)]] * 10) == []


def test_staff_in_a_vest_is_not_an_intrusion() -> None:
    assert run(ZoneMonitor(rules()), [[obs(200, vest_ratio=0.3)]] * 10) == []
    assert len(run(ZoneMonitor(rules()), [[obs(200, vest_ratio=0.02)]] * 10)) == 1


def test_a_person_inside_a_vehicle_box_is_not_an_intrusion() -> None:
    m = ZoneMonitor(rules())
    car = Box(150, 100, 260, 230)
    events = []
    for i in range(10):
        events += m.update([obs(200)], T0 + timedelta(seconds=i / 10), i / 10, vehicles=[car])
    assert events == []


def test_direction_entering_only() -> None:
    zone = dataclasses.replace(LANE, direction=Direction.ENTERING, heading=(1.0, 0.0))
    leaving = [
        [obs(250 - 10 * i, path=tuple((j / 10, (250.0 - 10 * j, 200.0)) for j in range(i + 1)))]
        for i in range(10)
    ]
    assert run(ZoneMonitor(rules(zones=(zone,))), leaving) == []
    entering = [
        [obs(120 + 10 * i, path=tuple((j / 10, (120.0 + 10 * j, 200.0)) for j in range(i + 1)))]
        for i in range(10)
    ]
    assert len(run(ZoneMonitor(rules(zones=(zone,))), entering)) == 1


def test_schedule_outside_hours_is_quiet() -> None:
    nights = (ScheduleWindow(frozenset(range(7)), time(22, 0), time(6, 0)),)
    assert run(ZoneMonitor(rules(schedule=nights)), [[obs(200)]] * 10) == []
    days = (ScheduleWindow(frozenset({0}), time(8, 0), time(20, 0)),)  # T0 is 18:00 in Shanghai
    assert len(run(ZoneMonitor(rules(schedule=days)), [[obs(200)]] * 10)) == 1


def test_a_fast_person_becomes_a_rider() -> None:
    metres = Homography(((0.02, 0.0, 0.0), (0.0, 0.02, 0.0), (0.0, 0.0, 1.0)))  # 50 px/m
    rider = RiderRule(homography=metres, walking_speed_mps=2.5, rider_class=ObjectClass.E_BIKE)

    def frames(px_per_frame: float) -> list[list[Observation]]:
        return [
            [obs(110 + px_per_frame * i,
                 path=tuple((j / 10, (110.0 + px_per_frame * j, 200.0)) for j in range(i + 1)))]
            for i in range(8)
        ]  # fmt: skip

    fast = run(ZoneMonitor(rules(rider=rider)), frames(20))  # 200 px/s = 4 m/s
    assert [e.object_class for e in fast if isinstance(e, IncidentOpened)] == [ObjectClass.E_BIKE]
    slow = run(ZoneMonitor(rules(rider=rider)), frames(6))  # 1.2 m/s
    assert [e.object_class for e in slow if isinstance(e, IncidentOpened)] == [P]


def test_dropped_track_and_finish_end_open_incidents() -> None:
    m = ZoneMonitor(rules())
    run(m, [[obs(200)]] * 4)
    assert len(m.open_incidents) == 1
    ended = m.update([], T0 + timedelta(seconds=1), 1.0, dropped=[1])
    assert [type(e) for e in ended] == [IncidentEnded]
    m2 = ZoneMonitor(rules())
    run(m2, [[obs(200)]] * 4)
    assert [type(e) for e in m2.finish(T0)] == [IncidentEnded]


def test_precision_and_recall_scoring() -> None:
    truth = [Span("a", 0, 5), Span("a", 10, 12), Span("b", 3, 4, optional=True)]
    found = [Span("a", 1, 4), Span("b", 3.5, 4), Span("a", 30, 31)]
    score = score_incidents(found, truth, tolerance_s=1.0)
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 1)
    assert score.precision == 0.5
    assert score.recall == 0.5
