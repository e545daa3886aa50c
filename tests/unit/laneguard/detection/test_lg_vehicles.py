"""Drivers, riders and vehicles: the rules that keep a toll lane's traffic from alarming."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from laneguard.core.domain.incidents import IncidentOpened, ObjectClass
from laneguard.detection.domain.geometry import Box, Homography
from laneguard.detection.domain.monitor import Observation, ZoneMonitor
from laneguard.detection.domain.vehicles import (
    Sighting,
    category,
    in_vehicle,
    relative_move,
    rides,
)
from laneguard.detection.domain.zones import CameraRules, RiderRule, Zone

P, B, M, E, V = (ObjectClass.PEDESTRIAN, ObjectClass.BICYCLE, ObjectClass.MOTORCYCLE,
                 ObjectClass.E_BIKE, ObjectClass.VEHICLE)  # fmt: skip
LANE = Zone("lane-1", ((0.0, 100.0), (600.0, 100.0), (600.0, 400.0), (0.0, 400.0)),
            frozenset({P, B, M, E, V}))  # fmt: skip
T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def car_at(x: float, t: float) -> tuple[float, Box]:
    """A 200x120 car whose left edge is at x."""
    return (t, Box(x, 200, x + 200, 320))


def moving_car(speed: float, frames: int = 10) -> Sighting:
    boxes = tuple(car_at(100 + speed * i / 10, i / 10) for i in range(frames))
    return Sighting(boxes[-1][1], V, (), 7, boxes)


def person_path(
    x0: float, speed: float, frames: int = 10
) -> tuple[tuple[float, tuple[float, float]], ...]:
    return tuple((i / 10, (x0 + speed * i / 10, 260.0)) for i in range(frames))


def person_box(path: tuple[tuple[float, tuple[float, float]], ...]) -> Box:
    x, y = path[-1][1]
    return Box(x - 15, y - 50, x + 15, y)


def test_a_driver_moves_with_the_car_and_is_inside_it() -> None:
    car = moving_car(120)
    path = person_path(160, 120)
    assert in_vehicle(Sighting(person_box(path), P, path), [car])


def test_a_pedestrian_crossing_in_front_of_a_waiting_car_is_not_in_it() -> None:
    car = moving_car(0)
    path = person_path(160, 120)  # 1.2 m/s-ish across a still car, inside its box throughout
    person = Sighting(person_box(path), P, path)
    assert person.box.fraction_inside(car.box) == 1.0
    assert not in_vehicle(person, [car])


def test_a_person_outside_every_vehicle_box_is_not_in_one() -> None:
    path = person_path(500, 0)
    assert not in_vehicle(Sighting(Box(480, 100, 520, 200), P, path), [moving_car(0)])


def test_without_history_the_box_alone_decides() -> None:
    person = Sighting(Box(150, 220, 180, 300), P)
    assert in_vehicle(person, [Box(100, 200, 300, 320)])
    assert not in_vehicle(person, [Box(160, 200, 300, 320)])  # only a third inside


def test_a_car_cut_by_the_frame_edge_still_carries_its_driver() -> None:
    """Entering from the left: the box's left edge is held at 0, its right edge moves."""
    boxes = tuple((i / 10, Box(0, 200, 60 + 12 * i, 320)) for i in range(10))
    car = Sighting(boxes[-1][1], V, (), 1, boxes)
    path = tuple((i / 10, (30 + 12 * i, 300.0)) for i in range(10))
    assert in_vehicle(Sighting(Box(15 + 108, 250, 45 + 108, 300), P, path), [car])


def test_a_gap_in_a_track_cuts_its_history() -> None:
    """A car lost for 1.5 s whose track another car took up: only what follows the gap counts."""
    before = tuple((t / 10, Box(400 - 12 * t, 200, 600 - 12 * t, 320)) for t in range(10))
    after = tuple(
        (t / 10, Box(12 * (t - 25), 200, 200 + 12 * (t - 25), 320)) for t in range(25, 30)
    )
    path = tuple((t / 10, (100 + 12 * (t - 25), 300.0)) for t in range(20, 30))
    moved = relative_move(path, before + after, 1.0)
    assert moved is not None
    assert moved < 5


def test_rides_needs_the_person_over_the_two_wheeler() -> None:
    bike = Box(100, 250, 180, 320)
    assert rides(Box(115, 180, 165, 300), bike)
    assert not rides(Box(185, 180, 235, 320), bike)  # walking beside it
    assert not rides(Box(115, 100, 165, 200), bike)  # above it, far behind


def test_categories_as_a_station_reports_them() -> None:
    assert [category(c) for c in (P, B, E, M, V)] == [
        "行人",
        "非机动车",
        "非机动车",
        "摩托车",
        "车辆",
    ]


# --- the monitor with these rules ---------------------------------------------------------


def ob(track: int, cls: ObjectClass, box: Box, **kw: object) -> Observation:
    return Observation(track, box, cls, 0.9, 0.9, **kw)  # type: ignore[arg-type]


def run(
    monitor: ZoneMonitor, frames: list[tuple[list[Observation], list[Box | Sighting]]]
) -> list[IncidentOpened]:
    events = []
    for i, (seen, vehicles) in enumerate(frames):
        events += monitor.update(seen, T0 + timedelta(seconds=i / 10), i / 10, vehicles=vehicles)
    return [e for e in events if isinstance(e, IncidentOpened)]


def rules(**kw: object) -> CameraRules:
    return dataclasses.replace(CameraRules("cam", (LANE,)), **kw)  # type: ignore[arg-type]


def test_vehicles_never_alarm_even_in_a_zone_that_lists_them() -> None:
    car = ob(1, V, Box(100, 200, 300, 320))
    assert run(ZoneMonitor(rules()), [([car], [])] * 10) == []


def test_a_driver_in_a_moving_car_raises_nothing_a_pedestrian_does() -> None:
    frames = []
    for i in range(12):
        boxes = tuple(car_at(100 + 12 * j, j / 10) for j in range(i + 1))
        car = Sighting(boxes[-1][1], V, (), 9, boxes)
        path = tuple((j / 10, (160 + 12 * j, 260.0)) for j in range(i + 1))
        frames.append(([ob(1, P, person_box(path), path=path)], [car]))
    assert run(ZoneMonitor(rules()), frames) == []
    crossing = []
    for i in range(12):
        boxes = tuple(car_at(100, j / 10) for j in range(i + 1))
        car = Sighting(boxes[-1][1], V, (), 9, boxes)
        path = tuple((j / 10, (160 + 12 * j, 260.0)) for j in range(i + 1))
        crossing.append(([ob(1, P, person_box(path), path=path)], [car]))
    assert [e.object_class for e in run(ZoneMonitor(rules()), crossing)] == [P]


def test_a_cyclist_is_one_bicycle_incident_not_a_pedestrian_too() -> None:
    frames = [
        ([ob(1, P, Box(110 + 5 * i, 180, 160 + 5 * i, 300)),
          ob(2, B, Box(100 + 5 * i, 240, 180 + 5 * i, 310))], [])
        for i in range(10)
    ]  # fmt: skip
    opened = run(ZoneMonitor(rules()), frames)
    assert [(e.object_class, e.track_id) for e in opened] == [(B, 1)]


def test_a_motorcycle_rider_is_reported_as_a_motorcycle() -> None:
    frames = [([ob(1, P, Box(110, 180, 160, 300)), ob(2, M, Box(90, 230, 190, 310))], [])] * 10
    assert [e.object_class for e in run(ZoneMonitor(rules()), frames)] == [M]


def test_a_bicycle_pushed_alongside_is_its_own_incident() -> None:
    frames = [([ob(1, P, Box(200, 180, 250, 300)), ob(2, B, Box(100, 240, 180, 310))], [])] * 10
    assert sorted(e.object_class for e in run(ZoneMonitor(rules()), frames)) == [B, P]


def test_with_a_homography_a_fast_bicycle_is_an_e_bike() -> None:
    metres = Homography(((0.02, 0.0, 0.0), (0.0, 0.02, 0.0), (0.0, 0.0, 1.0)))  # 50 px/m
    rider = RiderRule(homography=metres, ebike_speed_mps=6.0)

    def frames(px_per_frame: float) -> list[tuple[list[Observation], list[Box | Sighting]]]:
        out: list[tuple[list[Observation], list[Box | Sighting]]] = []
        for i in range(10):
            x = 100 + px_per_frame * i
            path = tuple((j / 10, (100 + px_per_frame * j + 40, 310.0)) for j in range(i + 1))
            out.append(([ob(2, B, Box(x, 240, x + 80, 310), path=path)], []))
        return out

    fast = run(ZoneMonitor(rules(rider=rider)), frames(40))  # 400 px/s = 8 m/s
    assert [e.object_class for e in fast] == [E]
    slow = run(ZoneMonitor(rules(rider=rider)), frames(20))  # 4 m/s
    assert [e.object_class for e in slow] == [B]
    no_homography = run(ZoneMonitor(rules()), frames(40))
    assert [e.object_class for e in no_homography] == [B]
