"""Site map, slotting, capacity warnings, battery and dispatch policies (pure domain)."""

from __future__ import annotations

from collections import Counter

import pytest

from samplehub.fleet.adapters.solver_scipy import ScipyAssignmentSolver
from samplehub.fleet.domain.battery import BatteryModel
from samplehub.fleet.domain.dispatch import (
    INFEASIBLE,
    RobotCandidate,
    TaskKind,
    TransportTask,
    cost_matrix,
    fellow_travellers,
    greedy_assign,
    nearest_to_work,
    pairs_from_solution,
    trips,
)
from samplehub.fleet.domain.sitemap import SiteMapError, site_map_from_dict
from samplehub.storage.domain.warehouse import (
    ClosestOpenSlot,
    DwellSlotting,
    NoSlotAvailableError,
    PutAwayRequest,
    StorageError,
    warehouse_from_dict,
)

SITE = site_map_from_dict(
    {
        "nodes": [
            {"id": "IN", "x": 0, "y": 0, "kind": "intake"},
            {"id": "R1", "x": 10, "y": 0, "kind": "rack_access"},
            {"id": "R2", "x": 50, "y": 0, "kind": "rack_access"},
            {"id": "R3", "x": 100, "y": 0, "kind": "rack_access"},
            {"id": "CH", "x": 0, "y": 5, "kind": "charger"},
        ],
        "edges": [
            {"from": "IN", "to": "R1"},
            {"from": "R1", "to": "R2"},
            {"from": "R2", "to": "R3"},
            {"from": "IN", "to": "CH"},
        ],
    }
)


def warehouse(blocked: list[str] | None = None):  # type: ignore[no-untyped-def]
    racks = [
        {
            "number": i + 1,
            "access_node": node,
            "shelves": [{"size_class": "S", "slots": 2}, {"size_class": "L", "slots": 1}],
        }
        for i, node in enumerate(["R1", "R2", "R3"])
    ]
    return warehouse_from_dict(
        {"areas": [{"id": "A", "racks": racks}], "blocked": blocked or []}, ("IN",)
    )


def test_site_map_paths_distances_and_errors() -> None:
    assert SITE.path("IN", "R3") == ["IN", "R1", "R2", "R3"]
    assert SITE.distance("IN", "R3") == pytest.approx(100)
    with pytest.raises(SiteMapError, match=r"nodes\[0\].kind: 'shelf'"):
        site_map_from_dict({"nodes": [{"id": "a", "x": 0, "y": 0, "kind": "shelf"}]})
    with pytest.raises(SiteMapError, match=r"edges\[0\].to: unknown node 'zz'"):
        site_map_from_dict(
            {"nodes": [{"id": "a", "x": 0, "y": 0}], "edges": [{"from": "a", "to": "zz"}]}
        )


def test_addresses_follow_area_rack_shelf_slot() -> None:
    wh = warehouse()
    assert "A-03-2-01" in wh.slots
    assert wh.slots["A-01-1-02"].rfid_tag == "LOC-A-01-1-02"
    with pytest.raises(StorageError, match="size_class: 'XXL'"):
        warehouse_from_dict(
            {
                "areas": [
                    {
                        "id": "A",
                        "racks": [
                            {"access_node": "R1", "shelves": [{"size_class": "XXL", "slots": 1}]}
                        ],
                    }
                ]
            }
        )


def test_slotting_prefers_size_fit_then_dwell_band_then_distance() -> None:
    wh = warehouse()
    policy = DwellSlotting(dwell_bands_s=(86400.0, 7 * 86400.0))
    short = policy.choose(wh, PutAwayRequest("E1", "S", 3600, "IN"), SITE.distance)
    assert short.access_node == "R1"
    assert short.size_class == "S"
    long_stay = policy.choose(wh, PutAwayRequest("E2", "S", 30 * 86400, "IN"), SITE.distance)
    assert long_stay.access_node == "R3"
    big = policy.choose(wh, PutAwayRequest("E3", "L", 3600, "IN"), SITE.distance)
    assert big.size_class == "L"
    baseline = ClosestOpenSlot().choose(
        wh, PutAwayRequest("E4", "S", 30 * 86400, "IN"), SITE.distance
    )
    assert baseline.access_node == "R1"


def test_blocked_and_occupied_slots_are_never_assigned() -> None:
    wh = warehouse(blocked=["A-01-1-01", "A-02-1-01", "A-03-1-01"])
    for address in ("A-01-1-02", "A-02-1-02"):
        wh.store(address, f"EPC-{address}")
    chosen = DwellSlotting().choose(wh, PutAwayRequest("E", "S", 60, "IN"), SITE.distance)
    assert chosen.address == "A-03-1-02"
    wh.reserve(chosen.address, "E")
    for n in (1, 2, 3):
        wh.store(f"A-0{n}-2-01", f"BIG-{n}")
    with pytest.raises(NoSlotAvailableError, match="size L"):
        ClosestOpenSlot().choose(wh, PutAwayRequest("F", "L", 60, "IN"), SITE.distance)
    with pytest.raises(StorageError, match="blocked"):
        wh.reserve("A-01-1-01", "G")


def test_capacity_warnings_at_80_90_100_percent() -> None:
    wh = warehouse_from_dict(
        {
            "areas": [
                {
                    "id": "A",
                    "racks": [{"access_node": "R1", "shelves": [{"size_class": "M", "slots": 10}]}],
                }
            ]
        }
    )
    levels = []
    for n in range(1, 11):
        wh.store(f"A-01-1-{n:02d}", f"E{n}")
        levels.append([w.level for w in wh.capacity_warnings()])
    assert levels[6] == []
    assert levels[7] == [80]
    assert levels[8] == [90]
    assert levels[9] == [100]


def test_battery_never_accepts_what_it_cannot_finish() -> None:
    model = BatteryModel(drain_pct_per_m=0.1, reserve_pct=10, charge_below_pct=30)
    assert model.can_finish(50, task_m=300, to_charger_m=100)
    assert not model.can_finish(50, task_m=350, to_charger_m=100)
    with pytest.raises(ValueError, match="reserve_pct"):
        BatteryModel(reserve_pct=50, charge_below_pct=30)


def task(
    task_id: str, kind: TaskKind, source: str, created: float, deadline: float | None = None
) -> TransportTask:
    return TransportTask(task_id, kind, f"EPC-{task_id}", source, "IN", created, deadline)


def no_charger(_: str) -> float:
    return 0.0


def test_greedy_is_first_come_first_served_to_the_nearest_idle_robot() -> None:
    robots = [RobotCandidate("far", "R3", 90, 1.0), RobotCandidate("near", "R1", 90, 1.0)]
    tasks = [task("old", TaskKind.PUT_AWAY, "R2", 0), task("new", TaskKind.STAGING, "R1", 5)]
    pairs = greedy_assign(robots, tasks, SITE.distance, BatteryModel(), no_charger)
    assert (1, 0) in pairs
    assert (0, 1) in pairs


def test_staging_outranks_put_away_in_the_optimal_round() -> None:
    robots = [RobotCandidate("r", "R2", 90, 1.0)]
    tasks = [task("put", TaskKind.PUT_AWAY, "R2", 0), task("stage", TaskKind.STAGING, "R2", 0)]
    cost = cost_matrix(robots, tasks, 10, SITE.distance, BatteryModel(), no_charger)
    assert pairs_from_solution(cost, ScipyAssignmentSolver().solve(cost)) == [(0, 1)]


def test_infeasible_battery_is_never_assigned_by_either_policy() -> None:
    weak = BatteryModel(drain_pct_per_m=0.5, reserve_pct=5, charge_below_pct=20)
    robots = [RobotCandidate("r", "R3", 40, 1.0)]
    tasks = [task("t", TaskKind.PUT_AWAY, "R1", 0)]
    cost = cost_matrix(robots, tasks, 0, SITE.distance, weak, no_charger)
    assert cost[0][0] == INFEASIBLE
    assert pairs_from_solution(cost, ScipyAssignmentSolver().solve(cost)) == []
    assert greedy_assign(robots, tasks, SITE.distance, weak, no_charger) == []


def test_fellow_travellers_share_pick_up_and_locker_port_up_to_the_free_trays() -> None:
    def staging(
        task_id: str, source: str = "RA3", port: str = "LOCK1", at: float = 0.0
    ) -> TransportTask:
        return TransportTask(task_id, TaskKind.STAGING, f"epc-{task_id}", source, port, at)

    first = staging("T1")
    waiting = [
        staging("T4", at=3.0),
        staging("T2", at=1.0),
        staging("T3", source="RA1"),  # another rack
        staging("T5", port="LOCK2"),  # another locker port
        TransportTask("T6", TaskKind.LAB_DELIVERY, "epc-6", "RA3", "LOCK1", 0.0),
        first,
    ]
    assert [t.task_id for t in fellow_travellers(first, waiting, 2)] == ["T2", "T4"]
    assert [t.task_id for t in fellow_travellers(first, waiting, 1)] == ["T2"]
    assert fellow_travellers(first, waiting, 0) == []
    lab = waiting[4]
    assert fellow_travellers(lab, waiting, 2) == []  # only a booking's staging rides together


def test_waiting_tasks_are_grouped_into_trips_most_urgent_first() -> None:
    def task(task_id: str, kind: TaskKind, at: float, port: str = "LOCK1") -> TransportTask:
        return TransportTask(task_id, kind, f"epc-{task_id}", "RA3", port, at)

    waiting = [
        task("P1", TaskKind.PUT_AWAY, 0.0),
        task("S3", TaskKind.STAGING, 3.0),
        task("S1", TaskKind.STAGING, 1.0),
        task("S2", TaskKind.STAGING, 2.0),
        task("S4", TaskKind.STAGING, 4.0),
        task("S5", TaskKind.STAGING, 0.5, port="LOCK2"),
    ]
    grouped = [(lead.task_id, [r.task_id for r in riders]) for lead, riders in trips(waiting, 2)]
    assert grouped == [
        ("S5", []),  # the oldest staging, alone: nobody else goes to LOCK2
        ("S1", ["S2", "S3"]),  # two free trays
        ("S4", []),
        ("P1", []),  # a put-away travels alone, after the more urgent staging
    ]
    assert [lead.task_id for lead, _ in trips(waiting, 0)] == ["S5", "S1", "S2", "S3", "S4", "P1"]


def test_idle_robots_park_nearest_to_where_work_starts() -> None:
    free = ["IN", "R3"]  # the robot stands at R1: IN is 10 m away, R3 90 m
    assert nearest_to_work("R1", free, Counter(), SITE.distance) == "IN"  # no demand: nearest
    # pick-ups at R3 only: waiting there saves 100 m on the next task for 80 m more now
    assert nearest_to_work("R1", free, Counter({"R3": 1}), SITE.distance) == "R3"
    # mostly at IN: IN costs 10 + (3×0 + 100)/4 = 35 m, R3 90 + (3×100 + 0)/4 = 165 m
    assert nearest_to_work("R1", free, Counter({"IN": 3, "R3": 1}), SITE.distance) == "IN"
    assert nearest_to_work("R1", [], Counter({"R3": 1}), SITE.distance) is None
