"""Traffic control: mutual exclusion and the deadlock cases named in the issue; the map as
people walk it."""

from __future__ import annotations

import pytest

from samplehub.fleet.domain.sitemap import SiteMap, on_foot, site_map_from_dict
from samplehub.fleet.domain.traffic import NodeTaken, TrafficManager


def line_with_siding() -> SiteMap:
    """A - B - C - D single two-way lane, with a siding E off B and a bypass B - F - D."""
    return site_map_from_dict(
        {
            "nodes": [
                {"id": "A", "x": 0, "y": 0},
                {"id": "B", "x": 10, "y": 0},
                {"id": "C", "x": 20, "y": 0},
                {"id": "D", "x": 30, "y": 0},
                {"id": "E", "x": 10, "y": 5, "kind": "parking"},
            ],
            "edges": [
                {"from": "A", "to": "B"},
                {"from": "B", "to": "C"},
                {"from": "C", "to": "D"},
                {"from": "B", "to": "E"},
            ],
        }
    )


def drive(tm: TrafficManager, goals: dict[str, str], rounds: int = 60) -> list[str]:
    """Move every robot one node per round; returns the order in which robots arrived."""
    arrived: list[str] = []
    for _ in range(rounds):
        for serial, goal in goals.items():
            robot = tm.robots[serial]
            if serial in arrived or robot.wanted or robot.base[1:]:
                continue
            if robot.node == goal:
                arrived.append(serial)
                continue
            path = tm.site.path(robot.node, goal, blocked=tm.obstacles(serial))
            assert path is not None
            tm.request(serial, path)
        for serial in goals:
            tm.try_grant(serial)
        tm.resolve_deadlocks()
        for serial in goals:
            robot = tm.robots[serial]
            if robot.base[1:]:
                tm.reached(serial, robot.base[1])
        positions = [tm.robots[s].node for s in tm.robots]
        assert len(positions) == len(set(positions)), f"two robots on one node: {positions}"
        for serial, robot in tm.robots.items():
            assert tm.node_holder[robot.node] == serial
        if len(arrived) == len(goals):
            break
    return arrived


def test_head_on_on_a_single_lane_resolves_through_the_siding() -> None:
    tm = TrafficManager(line_with_siding())
    tm.place("r1", "A")
    tm.place("r2", "D")
    arrived = drive(tm, {"r1": "D", "r2": "A"})
    assert sorted(arrived) == ["r1", "r2"]
    assert tm.robots["r1"].node == "D"
    assert tm.robots["r2"].node == "A"


def test_a_lane_is_never_granted_to_two_robots_in_opposite_directions() -> None:
    tm = TrafficManager(line_with_siding())
    tm.place("r1", "B")
    tm.place("r2", "D")
    tm.request("r1", ["B", "C"])
    assert tm.try_grant("r1") == ["B", "C"]
    tm.request("r2", ["D", "C", "B"])
    assert tm.try_grant("r2") is None
    assert tm.blockers("r2") == {"r1"}


def test_two_robots_wanting_each_others_node_is_broken_by_an_evasion() -> None:
    tm = TrafficManager(line_with_siding())
    tm.place("r1", "B")
    tm.place("r2", "C")
    tm.request("r1", ["B", "C"])
    tm.request("r2", ["C", "B"])
    assert tm.try_grant("r1") is None
    assert tm.try_grant("r2") is None
    assert tm.cycles() == [["r1", "r2"]]
    evasions, unresolved = tm.resolve_deadlocks()
    assert unresolved == []
    assert [(e.serial, e.path) for e in evasions] in ([("r1", ["B", "E"])], [("r2", ["C", "D"])])
    assert drive(tm, {"r1": "C", "r2": "B"}) != []


def test_crossing_lets_one_robot_through_at_a_time() -> None:
    site = site_map_from_dict(
        {
            "nodes": [
                {"id": n, "x": x, "y": y}
                for n, x, y in [
                    ("N", 0, 10),
                    ("S", 0, -10),
                    ("W", -10, 0),
                    ("E", 10, 0),
                    ("X", 0, 0),
                ]
            ],
            "edges": [{"from": n, "to": "X"} for n in "NSWE"],
        }
    )
    tm = TrafficManager(site)
    tm.place("r1", "N")
    tm.place("r2", "W")
    tm.request("r1", ["N", "X", "S"])
    tm.request("r2", ["W", "X", "E"])
    assert tm.try_grant("r1") == ["N", "X", "S"]
    assert tm.try_grant("r2") is None
    assert sorted(drive(tm, {"r1": "S", "r2": "E"})) == ["r1", "r2"]


def test_an_unresponsive_robot_keeps_its_node_and_others_route_around_it() -> None:
    site = site_map_from_dict(
        {
            "nodes": [
                {"id": n, "x": x, "y": y}
                for n, x, y in [
                    ("A", 0, 0),
                    ("B", 10, 0),
                    ("C", 20, 0),
                    ("D", 30, 0),
                    ("F", 20, 10),
                ]
            ],
            "edges": [
                {"from": "A", "to": "B"},
                {"from": "B", "to": "C"},
                {"from": "C", "to": "D"},
                {"from": "B", "to": "F"},
                {"from": "F", "to": "D"},
            ],
        }
    )
    tm = TrafficManager(site)
    tm.place("dead", "C")
    tm.place("r1", "A")
    tm.set_offline("dead", True)
    assert tm.obstacles("r1") == {"C"}
    assert drive(tm, {"r1": "D"}) == ["r1"]
    assert tm.node_holder["C"] == "dead"
    assert tm.cycles() == []


def test_a_robot_standing_where_a_silent_robot_was_is_believed() -> None:
    tm = TrafficManager(line_with_siding())
    tm.place("dead", "C")
    tm.set_offline("dead", True)
    assert tm.place("r1", "C") is None
    assert tm.node_holder["C"] == "r1"
    assert tm.obstacles("r2") == set()
    with pytest.raises(NodeTaken, match="robot r1 stands there"):
        tm.place("dead", "C")  # back, and it says so too: one of the two is lost


def test_a_failed_robot_that_still_answers_keeps_its_node_and_is_routed_round() -> None:
    tm = TrafficManager(line_with_siding())
    tm.place("failed", "C")
    tm.set_offline("failed", True, silent=False)  # a fatal error: it stands there and says so
    assert tm.obstacles("r1") == {"C"}
    with pytest.raises(NodeTaken, match="robot failed stands there"):
        tm.place("r1", "C")  # one of the two is lost: people look
    assert tm.node_holder["C"] == "failed"
    tm.set_offline("failed", True)  # then it goes silent too: a robot that answers is believed
    assert tm.place("r1", "C") is None
    assert tm.node_holder["C"] == "r1"


def test_a_node_granted_ahead_passes_to_the_robot_standing_on_it() -> None:
    tm = TrafficManager(line_with_siding())
    tm.place("r1", "A")
    tm.request("r1", ["A", "B", "C", "D"])
    assert tm.try_grant("r1") == ["A", "B", "C", "D"]
    assert tm.place("r2", "C") == "r1"  # r1 is named, to be stopped short of C
    assert tm.node_holder["C"] == "r2"
    tm.reached("r1", "B")
    assert "A" not in tm.node_holder  # released behind r1 as usual
    assert tm.node_holder["C"] == "r2"
    assert tm.place("r1", "B") is None  # r1 stopped: it shrinks to its node
    assert tm.node_holder == {"B": "r1", "C": "r2"}


def test_two_answering_robots_never_share_a_node() -> None:
    tm = TrafficManager(line_with_siding())
    tm.place("r1", "B")
    with pytest.raises(NodeTaken) as refused:
        tm.place("r2", "B")
    assert (refused.value.node, refused.value.holder) == ("B", "r1")
    assert tm.node_holder["B"] == "r1"
    assert "r2" not in tm.robots


def test_a_robot_on_its_emergency_stop_keeps_its_nodes_and_is_routed_round() -> None:
    tm = TrafficManager(line_with_siding())
    tm.place("r1", "C")
    tm.place("r2", "A")
    tm.request("r2", ["A", "B", "C", "D"])
    assert tm.try_grant("r2") == ["A", "B"]
    assert tm.set_stopped("r1", True) == ["r2"]  # r2 wants C: to be planned again
    assert tm.standing("r2") == {"C"}
    assert tm.obstacles("r2") == set()  # not an obstacle: a route may still wait for it
    assert tm.node_holder["C"] == "r1"
    tm.place("r1", "C")  # re-placed (a cancel done): still on its stop
    assert tm.standing("r2") == {"C"}
    tm.request("r1", ["C", "D"])
    assert not tm.waiting("r1")  # never asked to evade while it cannot move
    assert tm.set_stopped("r1", False) == []
    assert tm.standing("r2") == set()


def test_doorstep_of_a_taken_target_is_not_granted() -> None:
    tm = TrafficManager(line_with_siding())
    tm.place("r1", "A")
    tm.place("r2", "D")
    tm.request("r1", ["A", "B", "C", "D"])
    assert tm.try_grant("r1") == ["A", "B"]
    assert tm.robots["r1"].wanted == ["B", "C", "D"]


def test_a_three_robot_ring_is_broken_even_when_the_only_free_node_is_wanted() -> None:
    site = site_map_from_dict(
        {
            "nodes": [
                {"id": n, "x": x, "y": y}
                for n, x, y in [("A", 0, 0), ("B", 10, 0), ("C", 5, 8), ("S", -6, 0)]
            ],
            "edges": [
                {"from": "A", "to": "B", "two_way": False},
                {"from": "B", "to": "C", "two_way": False},
                {"from": "C", "to": "A", "two_way": False},
                {"from": "A", "to": "S"},
            ],
        }
    )
    tm = TrafficManager(site)
    for serial, node in (("r1", "A"), ("r2", "B"), ("r3", "C")):
        tm.place(serial, node)
    tm.request("r1", ["A", "B", "C"])
    tm.request("r2", ["B", "C", "A", "S"])
    tm.request("r3", ["C", "A", "B"])
    assert [tm.try_grant(s) for s in ("r1", "r2", "r3")] == [None, None, None]
    assert tm.cycles()
    evasions, _ = tm.resolve_deadlocks()  # r2-r3 must wait for r1 to clear A first
    assert [(e.serial, e.path) for e in evasions] == [("r1", ["A", "S"])]
    tm.reached("r1", "S")
    assert tm.try_grant("r3") is None  # the doorstep rule: the target B is still taken
    assert tm.blockers("r3") == {"r2"}  # ... and that wait is visible to cycle detection
    evasions, unresolved = tm.resolve_deadlocks()
    assert unresolved == []
    assert [(e.serial, e.path) for e in evasions] == [("r3", ["C", "A"])]


def test_people_walk_one_way_lanes_both_ways_and_robots_do_not() -> None:
    site = site_map_from_dict(
        {
            "nodes": [
                {"id": n, "x": x, "y": y} for n, x, y in [("A", 0, 0), ("B", 10, 0), ("C", 10, 10)]
            ],
            "edges": [
                {"from": "A", "to": "B", "two_way": False},
                {"from": "B", "to": "C", "two_way": False},
                {"from": "C", "to": "A", "two_way": False},
            ],
        }
    )
    walked = on_foot(site)
    assert site.distance("B", "A") == pytest.approx(10 + 10 * 2**0.5)  # round the loop
    assert walked.distance("B", "A") == 10  # straight back
    assert walked.distance("A", "B") == site.distance("A", "B")
    assert len(site.edges) == 3  # the robots' map is left as it was
