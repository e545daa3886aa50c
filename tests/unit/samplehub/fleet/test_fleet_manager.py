"""The fleet manager with simulated robots over the in-process bus: tasks, faults, batteries."""

from __future__ import annotations

import pytest

from samplehub.fleet.service.handover import drop_trip
from samplehub.fleet.service.messages import topic
from samplehub.fleet.service.robots import Purpose
from samplehub.simulation.robot import SimRobot
from samplehub.simulation.runner import FleetSimulation
from tests.unit.samplehub.fleet.fakes import quiet_sim, run_until

EPC = "341400000000000000ABCDEF"


def test_put_away_ends_in_the_chosen_slot_confirmed_by_rfid() -> None:
    sim = quiet_sim()
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    slot = sim.warehouse.slot_of(EPC)
    assert slot is not None
    assert slot.address == task.slot_address
    assert sim.storage.location[EPC] == f"slot {slot.address}"
    assert sim.storage.alerts == []


def test_lab_delivery_and_return_move_the_sample_out_and_back() -> None:
    sim = quiet_sim()
    epc = next(s.occupant for s in sim.warehouse.slots.values() if s.occupant)
    out = sim.storage.deliver_to_lab(epc, "LAB1", sim.clock.t)
    run_until(sim, lambda: out.task_id in sim.storage.done)
    assert sim.warehouse.slot_of(epc) is None
    assert sim.storage.location[epc] == "node LAB1"
    back = sim.storage.return_from_lab(epc, "LAB1", "S", 86400, sim.clock.t)
    run_until(sim, lambda: back.task_id in sim.storage.done)
    assert sim.storage.location[epc].startswith("slot ")


def test_rfid_disagreeing_with_the_plan_puts_the_sample_on_hold_with_an_alert() -> None:
    sim = quiet_sim()
    sim.world.misplace[EPC] = "B-02-1-05"
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert EPC in sim.storage.on_hold
    assert [a.code for a in sim.storage.alerts] == ["rfid_mismatch"]
    assert sim.warehouse.slot_of(EPC) is None


def test_robot_that_stops_answering_before_pick_up_has_its_task_replanned() -> None:
    sim = quiet_sim()
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: any(r.task is not None for r in sim.fleet.robots.values()))
    serial = next(r.serial for r in sim.fleet.robots.values() if r.task is not None)
    next(r for r in sim.robots if r.serial == serial).faults.silent = True
    run_until(sim, lambda: sim.fleet.stats.requeued == 1, max_s=30)
    assert sim.fleet.robots[serial].purpose == Purpose.OFFLINE
    assert sim.fleet.traffic.robots[serial].offline  # it still holds its nodes: an obstacle
    run_until(
        sim,
        lambda: any(r.task is task for r in sim.fleet.robots.values() if r.serial != serial),
        max_s=120,
    )
    sim.fleet.recover(serial, sim.clock.t)  # staff take it off the floor
    run_until(sim, lambda: task.task_id in sim.storage.done)


def test_robot_failing_with_the_sample_on_board_strands_it_with_an_alert() -> None:
    sim = quiet_sim()
    sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: any(r.loaded for r in sim.fleet.robots.values()))
    serial = next(r.serial for r in sim.fleet.robots.values() if r.loaded)
    next(r for r in sim.robots if r.serial == serial).faults.fatal = True
    run_until(sim, lambda: sim.fleet.stats.stranded == 1, max_s=60)
    assert sim.storage.location[EPC] == f"on robot {serial}"
    assert [a.code for a in sim.storage.alerts] == ["sample_on_robot"]
    sim.fleet.recover(serial, sim.clock.t)
    assert serial not in sim.fleet.traffic.robots
    event = sim.storage.recover_sample(EPC, "lab", "intake bench", sim.clock.t)
    assert serial in event.message
    assert sim.storage.location[EPC] == "intake bench"


def test_rejected_order_is_dispatched_again() -> None:
    sim = quiet_sim()
    for robot in sim.robots:
        robot.faults.reject_next_order = True
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.fleet.stats.rejected_orders >= 1


def test_garbage_payloads_are_logged_and_survived() -> None:
    sim = quiet_sim()
    name = topic("", "simbot", "R01", "state")
    for payload in (b"\xff\xfe", b"[1, 2]", b'{"serialNumber": "R01"}', b'{"serialNumber": 5}'):
        sim.transport.publish(name, payload)
    sim.transport.publish("uagv/v2/simbot/R01/bogus", b"{}")
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.fleet.stats.bad_messages >= 4


def test_low_battery_goes_charging_and_idle_robots_park() -> None:
    sim = quiet_sim(robots=2)
    sim.robots[0].battery = 20.0
    run_until(sim, lambda: sim.robots[0].charging, max_s=300)
    assert sim.site.nodes[sim.robots[0].node].kind == "charger"
    run_until(sim, lambda: not sim.robots[0].charging, max_s=600)
    assert sim.robots[0].battery >= sim.scenario.battery.charge_until_pct
    run_until(sim, lambda: sim.site.nodes[sim.robots[0].node].kind == "parking", max_s=300)


@pytest.mark.parametrize("policy", ["greedy", "optimal"])
def test_both_policies_finish_a_small_batch_without_deadlock(policy: str) -> None:
    sim = quiet_sim(policy=policy, robots=3)
    tasks = [sim.storage.put_away(f"{EPC}{i}", "S", 3600, sim.clock.t) for i in range(6)]
    run_until(sim, lambda: all(t.task_id in sim.storage.done for t in tasks), max_s=3600)
    assert sim.fleet.stats.deadlocks == 0


@pytest.mark.parametrize("access", ["RA3", "RA1"])  # RA1: the same rack, one access node
def test_relocation_moves_a_stored_sample_to_the_named_slot(access: str) -> None:
    sim = quiet_sim()
    slot = next(s for s in sim.warehouse.slots.values() if s.occupant and s.access_node == "RA1")
    epc = slot.occupant
    assert epc is not None
    target = next(s for s in sim.warehouse.slots.values() if s.is_open and s.access_node == access)
    task = sim.storage.relocate(epc, target.address, sim.clock.t)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.warehouse.slot_of(epc) is target
    assert slot.occupant is None
    assert any(epc in text for _, text in sim.storage.slot_history[target.address])
    assert sim.storage.alerts == []


def test_robot_back_from_silence_is_resynchronised_and_its_old_order_cancelled() -> None:
    sim = quiet_sim()
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: any(r.task is not None for r in sim.fleet.robots.values()))
    serial = next(r.serial for r in sim.fleet.robots.values() if r.task is not None)
    robot = next(r for r in sim.robots if r.serial == serial)
    run_until(sim, lambda: len(robot.node_states) > 2, max_s=60)
    robot.faults.silent = True
    run_until(sim, lambda: sim.fleet.robots[serial].purpose == Purpose.OFFLINE, max_s=30)
    robot.faults.silent = False
    run_until(sim, lambda: sim.fleet.robots[serial].online, max_s=30)
    run_until(sim, lambda: not robot.node_states, max_s=30)
    assert any("cancelled" in text for _, text in sim.fleet.robots[serial].history)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.storage.done.count(task.task_id) == 1


def _silence(sim: FleetSimulation, serial: str) -> SimRobot:
    robot = next(r for r in sim.robots if r.serial == serial)
    robot.faults.silent = True
    run_until(sim, lambda: sim.fleet.robots[serial].purpose == Purpose.OFFLINE, max_s=30)
    return robot


def _carry_to(robot: SimRobot, node: str) -> None:
    """Staff push a robot that does not answer to ``node`` by hand."""
    robot.node, robot.x, robot.y = node, robot.site.nodes[node].x, robot.site.nodes[node].y


def test_a_robot_back_where_another_stands_waits_out_of_work_and_staff_are_told_once() -> None:
    sim = quiet_sim(robots=2)
    other = sim.fleet.robots["R02"].node
    assert other is not None
    lost = _silence(sim, "R01")
    _carry_to(lost, other)
    bad_before = sim.fleet.stats.bad_messages
    lost.faults.silent = False
    back = sim.clock.elapsed
    run_until(sim, lambda: sim.clock.elapsed - back > 20, max_s=30)  # about 20 state reports
    assert sim.fleet.robots["R01"].purpose == Purpose.OFFLINE
    assert sim.fleet.traffic.node_holder[other] == "R02"
    clashes = [a for a in sim.storage.alerts if a.code == "robots_on_one_node"]
    assert len(clashes) == 1
    assert clashes[0].message.params == {"robot": "R01", "node": other, "holder": "R02"}
    assert sim.fleet.stats.bad_messages == bad_before  # a clash is not garbage
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.storage.done.count(task.task_id) == 1
    assert any(task.task_id in text for _, text in sim.fleet.robots["R02"].history)
    run_until(sim, lambda: sim.fleet.robots["R01"].purpose != Purpose.OFFLINE, max_s=30)
    assert sim.fleet.robots["R01"].node == other  # taken on where it stands once R02 left


def test_a_robot_back_where_a_failed_robot_stands_is_not_believed_over_it() -> None:
    sim = quiet_sim(robots=2)
    failed = next(r for r in sim.robots if r.serial == "R02")
    failed.faults.fatal = True  # it stops where it is and keeps answering
    run_until(sim, lambda: sim.fleet.robots["R02"].purpose == Purpose.FAILED, max_s=30)
    spot = sim.fleet.robots["R02"].node
    assert spot is not None
    lost = _silence(sim, "R01")
    _carry_to(lost, spot)
    lost.faults.silent = False
    back = sim.clock.elapsed
    run_until(sim, lambda: sim.clock.elapsed - back > 10, max_s=15)
    assert sim.fleet.traffic.node_holder[spot] == "R02"
    assert sim.fleet.robots["R01"].purpose == Purpose.OFFLINE
    clashes = [a for a in sim.storage.alerts if a.code == "robots_on_one_node"]
    assert [a.message.params["holder"] for a in clashes] == ["R02"]


def test_a_robot_back_on_a_node_granted_to_another_stops_that_one_short() -> None:
    sim = quiet_sim(robots=2)
    lost = _silence(sim, "R01")
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: len(sim.fleet.traffic.robots["R02"].base) > 3, max_s=120)
    ahead = sim.fleet.traffic.robots["R02"].base[-1]
    _carry_to(lost, ahead)
    lost.faults.silent = False
    run_until(sim, lambda: sim.fleet.traffic.node_holder.get(ahead) == "R01", max_s=30)
    assert any(f"stops short of {ahead}" in text for _, text in sim.fleet.robots["R02"].history)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.storage.done.count(task.task_id) == 1
    assert not [a for a in sim.storage.alerts if a.code == "robots_on_one_node"]


@pytest.mark.parametrize(
    ("mode", "localised"), [("MANUAL", True), ("SERVICE", True), ("AUTOMATIC", False)]
)
def test_a_robot_people_drive_gets_no_order_until_it_is_back_in_automatic(
    mode: str, localised: bool
) -> None:
    sim = quiet_sim(robots=2)
    driven = next(r for r in sim.robots if r.serial == "R01")
    driven.faults.operating_mode, driven.faults.position_initialized = mode, localised
    run_until(sim, lambda: sim.fleet.robots["R01"].purpose == Purpose.OFFLINE, max_s=30)
    bad_before = sim.fleet.stats.bad_messages
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert any(task.task_id in text for _, text in sim.fleet.robots["R02"].history)
    assert driven.order_id == ""  # never sent an order
    assert driven.errors == []
    free = next(n for n, k in sim.site.nodes.items() if k.kind == "parking" and n not in
                sim.fleet.traffic.node_holder)  # fmt: skip
    _carry_to(driven, free)  # people drive it elsewhere: it is an obstacle there
    run_until(sim, lambda: sim.fleet.traffic.node_holder.get(free) == "R01", max_s=30)
    assert free in sim.fleet.traffic.obstacles("R02")
    driven.faults.operating_mode, driven.faults.position_initialized = "AUTOMATIC", True
    run_until(sim, lambda: sim.fleet.robots["R01"].available, max_s=30)
    assert sim.fleet.robots["R01"].node == free
    assert sim.fleet.stats.bad_messages == bad_before


def test_a_robot_on_a_map_the_site_lacks_is_kept_out_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim = quiet_sim(robots=2)
    lost = next(r for r in sim.robots if r.serial == "R01")
    lost.node = "HALL-7"  # a node of another map (e.g. the robot's map of an older layout)
    run_until(sim, lambda: sim.fleet.robots["R01"].purpose == Purpose.OFFLINE, max_s=5)
    bad_before = sim.fleet.stats.bad_messages
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert any(task.task_id in text for _, text in sim.fleet.robots["R02"].history)
    assert sim.fleet.stats.bad_messages == bad_before
    assert caplog.text.count("lastNodeId 'HALL-7' is not on map") == 1
    lost.node = "P1"
    run_until(sim, lambda: sim.fleet.robots["R01"].available, max_s=5)


def test_a_robot_taken_over_on_its_way_to_the_pick_up_leaves_its_task_to_another() -> None:
    sim = quiet_sim(robots=2)
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: any(r.task is not None for r in sim.fleet.robots.values()))
    first = next(r for r in sim.fleet.robots.values() if r.task is not None)
    run_until(sim, lambda: sim.fleet.traffic.robots[first.serial].node != first.history[0][1])
    next(r for r in sim.robots if r.serial == first.serial).faults.operating_mode = "MANUAL"
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.storage.done.count(task.task_id) == 1
    other = next(r for r in sim.fleet.robots.values() if r.serial != first.serial)
    assert any(task.task_id in text for _, text in other.history)
    assert any("abandons: operatingMode MANUAL" in text for _, text in first.history)


def test_a_robot_on_its_emergency_stop_gets_no_work_and_staff_are_told_once() -> None:
    sim = quiet_sim(robots=2)
    stopped = next(r for r in sim.robots if r.serial == "R01")
    stopped.faults.e_stop = "MANUAL"
    run_until(sim, lambda: sim.fleet.robots["R01"].stopped == "MANUAL", max_s=5)
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert any(task.task_id in text for _, text in sim.fleet.robots["R02"].history)
    assert stopped.order_id == ""
    stops = [a for a in sim.storage.alerts if a.code == "emergency_stop"]
    assert len(stops) == 1
    assert stops[0].message.params == {"robot": "R01", "stop": "MANUAL", "node": "P1"}
    stopped.faults.e_stop = "NONE"
    run_until(sim, lambda: sim.fleet.robots["R01"].available, max_s=5)


def test_a_robot_stopped_with_a_sample_on_board_finishes_its_trip_once_released() -> None:
    sim = quiet_sim(robots=2)
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: any(r.loaded for r in sim.fleet.robots.values()))
    carrier = next(r for r in sim.fleet.robots.values() if r.loaded)
    robot = next(r for r in sim.robots if r.serial == carrier.serial)
    robot.faults.e_stop = "REMOTE"
    stood = sim.clock.elapsed
    run_until(sim, lambda: sim.clock.elapsed - stood > 120, max_s=130)
    assert task.task_id not in sim.storage.done
    assert carrier.task is not None
    assert carrier.task.task_id == task.task_id  # kept: nobody else can carry its sample
    robot.faults.e_stop = "NONE"
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.storage.done.count(task.task_id) == 1
    assert sim.storage.location[EPC].startswith("slot ")
    assert len([a for a in sim.storage.alerts if a.code == "emergency_stop"]) == 1
    assert not [a for a in sim.storage.alerts if a.code == "sample_on_robot"]


def test_a_robot_stopped_long_before_its_pick_up_gives_the_task_to_another() -> None:
    sim = quiet_sim(robots=2)
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    run_until(sim, lambda: any(r.task is not None for r in sim.fleet.robots.values()))
    first = next(r for r in sim.fleet.robots.values() if r.task is not None)
    robot = next(r for r in sim.robots if r.serial == first.serial)
    robot.faults.e_stop = "MANUAL"
    stood = sim.clock.elapsed
    handover = sim.fleet.settings.stop_handover_s
    run_until(sim, lambda: first.stopped is not None, max_s=5)
    run_until(sim, lambda: sim.clock.elapsed - stood > handover - 5, max_s=handover)
    assert first.task is not None  # a short stop keeps the robot's work
    assert sim.fleet.stats.requeued == 0
    took = run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.fleet.stats.requeued == 1
    assert took < 600
    assert sim.storage.done.count(task.task_id) == 1
    other = next(r for r in sim.fleet.robots.values() if r.serial != first.serial)
    assert any(task.task_id in text for _, text in other.history)
    assert any("on its emergency stop for" in text for _, text in first.history)
    assert robot.node_states == []  # its order cancelled: released, it drives none of it
    robot.faults.e_stop = "NONE"
    run_until(sim, lambda: first.available, max_s=5)
    assert first.task is None


def test_an_unknown_serial_is_refused_and_logged_never_taken_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim = quiet_sim()
    stranger = SimRobot("X99", "simbot", sim.site, "P1", sim.transport, "", speed=1.2)
    stranger.connect(sim.clock.t)
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    sim.robots.append(stranger)  # it keeps reporting its state every step
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert "X99" not in sim.fleet.robots
    assert "X99" not in sim.fleet.traffic.robots
    assert sim.fleet.stats.unknown_serials == {"X99"}
    assert sim.fleet.stats.unknown_robots > 3
    assert stranger.order_id == ""
    assert caplog.text.count("unknown robot simbot/X99") == 1


def _three_on_one_rack(sim: FleetSimulation) -> list[str]:
    """Three stored samples whose slots share one rack access node."""
    by_node: dict[str, list[str]] = {}
    for slot in sim.warehouse.slots.values():
        if slot.occupant:
            by_node.setdefault(slot.access_node, []).append(slot.occupant)
    return next(epcs[:3] for epcs in by_node.values() if len(epcs) >= 3)


def _with_trays(sim: FleetSimulation, trays: int) -> None:
    for robot in sim.robots:
        robot.trays = trays
        robot._send_factsheet(sim.clock.t)  # a robot re-announces what it is (retained)
    run_until(sim, lambda: all(r.capacity == trays for r in sim.fleet.robots.values()), 5)


def test_a_booking_s_samples_reach_the_locker_port_on_one_trip() -> None:
    sim = quiet_sim(robots=1)
    _with_trays(sim, 3)
    locker = sim.lockers[0]
    tasks = [
        sim.storage.stage_for_pickup(epc, locker, sim.clock.t) for epc in _three_on_one_rack(sim)
    ]
    run_until(sim, lambda: all(t.task_id in sim.storage.done for t in tasks))
    robot = sim.fleet.robots["R01"]
    trips = [text for _, text in robot.history if text.startswith("task ")]
    assert len(trips) == 1
    assert all(t.task_id in trips[0] for t in tasks)
    assert sorted(sim.storage.done) == sorted(t.task_id for t in tasks)  # each delivered once
    assert all(sim.storage.location[t.load_id] == f"node {locker}" for t in tasks)
    assert sim.robots[0].loads == []
    assert robot.task is None
    assert not robot.aboard


def test_one_tray_robots_carry_one_sample_a_trip() -> None:
    sim = quiet_sim(robots=1)
    locker = sim.lockers[0]
    tasks = [
        sim.storage.stage_for_pickup(epc, locker, sim.clock.t)
        for epc in _three_on_one_rack(sim)[:2]
    ]
    run_until(sim, lambda: all(t.task_id in sim.storage.done for t in tasks))
    trips = [text for _, text in sim.fleet.robots["R01"].history if text.startswith("task ")]
    assert len(trips) == 2


def test_a_robot_failing_with_two_samples_on_board_strands_both() -> None:
    sim = quiet_sim(robots=1)
    _with_trays(sim, 3)
    tasks = [
        sim.storage.stage_for_pickup(epc, sim.lockers[0], sim.clock.t)
        for epc in _three_on_one_rack(sim)[:2]
    ]
    robot = sim.fleet.robots["R01"]
    run_until(sim, lambda: len(robot.aboard) == 2)
    sim.robots[0].faults.fatal = True
    run_until(sim, lambda: sim.fleet.stats.stranded == 2, max_s=60)
    assert {sim.storage.stranded[t.load_id] for t in tasks} == {"R01"}
    assert sim.fleet.open_tasks == {}  # nothing requeued: both samples are on the robot


def test_a_halted_robot_keeps_its_reservations_until_it_reports_standing() -> None:
    sim = quiet_sim(robots=1)
    task = sim.storage.put_away(EPC, "S", 3600, sim.clock.t)
    robot, sim_robot = sim.fleet.robots["R01"], sim.robots[0]
    traffic = sim.fleet.traffic
    run_until(sim, lambda: robot.order_id is not None and len(traffic.robots["R01"].base) > 2)
    held = list(traffic.robots["R01"].base)
    drop_trip(sim.fleet, robot, sim.clock.t)  # staff withdrew the task: the order is cancelled
    assert robot.halting is not None
    assert traffic.robots["R01"].base == held  # a real robot may drive on to its next node
    sent_before = len(robot.history)
    run_until(sim, lambda: robot.halting is None, max_s=30)
    assert traffic.robots["R01"].base == [robot.node] == [sim_robot.node]
    notes = [text for _, text in robot.history[sent_before:]]
    assert notes[0] == f"stopped at {robot.node}"  # no order went out before it stood
    sim.fleet.submit(task)  # given back: a fresh order starts where the robot stands
    run_until(sim, lambda: task.task_id in sim.storage.done)
    assert sim.storage.done.count(task.task_id) == 1


def test_a_booking_s_trip_goes_to_the_robot_nearest_its_rack() -> None:
    """The solver chooses a robot for the whole trip: three staging tasks do not go to three
    robots with the first of them (R01) taking all three, wherever it stands."""
    sim = quiet_sim(robots=3)
    _with_trays(sim, 3)
    fleet = sim.fleet
    run_until(
        sim, lambda: all(r.purpose is Purpose.IDLE and not r.legs for r in fleet.robots.values())
    )
    by_rack: dict[str, list[str]] = {}
    for slot in sim.warehouse.slots.values():
        if slot.occupant:
            by_rack.setdefault(slot.access_node, []).append(slot.occupant)

    def drives(rack: str) -> dict[str, float]:
        return {r.serial: fleet.site.distance(r.node or "", rack) for r in fleet.robots.values()}

    rack = next(  # a rack R01 is not the nearest robot to
        n for n, epcs in sorted(by_rack.items())
        if len(epcs) >= 3 and min(drives(n).values()) < drives(n)["R01"]
    )  # fmt: skip
    for epc in by_rack[rack][:3]:
        sim.storage.stage_for_pickup(epc, sim.lockers[0], sim.clock.t)
    run_until(sim, lambda: any(r.task is not None for r in fleet.robots.values()), 30)
    taken = [r for r in fleet.robots.values() if r.task is not None]
    assert len(taken) == 1
    assert len(taken[0].trip) == 3
    drive = drives(rack)
    assert drive[taken[0].serial] == min(drive.values()), (taken[0].serial, drive)
