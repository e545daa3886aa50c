"""The fleet manager: VDA 5050 master control for the sample-carrying robots.

One loop (``tick``) owns all state: inbound messages are queued by the transport's thread and
applied at the start of a tick, then legs are granted by the traffic manager and released as
orders, waits-for cycles are broken, and a dispatch round matches idle robots to open tasks.
The dispatch policy is either the greedy FCFS baseline (pure, in ``domain.dispatch``) or the
minimum-cost round solved by the ``AssignmentSolver`` port.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Sequence
from typing import Any

from samplehub.core.domain import reasons
from samplehub.core.service.ports import Clock
from samplehub.fleet.domain.battery import BatteryModel
from samplehub.fleet.domain.dispatch import (
    RobotCandidate,
    TransportTask,
    cost_matrix,
    greedy_assign,
    nearest_to_work,
    pairs_from_solution,
    trips,
)
from samplehub.fleet.domain.sitemap import SiteMap
from samplehub.fleet.domain.traffic import TrafficManager
from samplehub.fleet.service import notes
from samplehub.fleet.service.inbound import InboundMixin
from samplehub.fleet.service.messages import encode, topic
from samplehub.fleet.service.orders import (
    build_instant,
    build_order,
    build_plain_order,
    drop_leg,
    pick_leg,
)
from samplehub.fleet.service.ports import AssignmentSolver, CostModel, FleetListener, Transport
from samplehub.fleet.service.robots import Leg, Purpose, RobotRecord
from samplehub.fleet.service.settings import FleetSettings, FleetStats

log = logging.getLogger(__name__)

DEMAND_WINDOW = 60
"""How many recent pick-ups (weighted) decide where idle robots park."""


class FleetManager(InboundMixin):
    def __init__(
        self,
        site: SiteMap,
        transport: Transport,
        clock: Clock,
        listener: FleetListener,
        battery: BatteryModel | None = None,
        solver: AssignmentSolver | None = None,
        settings: FleetSettings | None = None,
        cost_model: CostModel | None = None,
    ) -> None:
        self.site = site
        self.transport = transport
        self.clock = clock
        self.listener = listener
        self.battery = battery or BatteryModel()
        self.solver = solver
        self.cost_model = cost_model
        self.settings = settings or FleetSettings()
        if self.settings.policy not in ("greedy", "optimal"):
            raise ValueError(f"policy: {self.settings.policy!r}; allowed: greedy, optimal")
        if self.settings.policy == "optimal" and solver is None:
            raise ValueError("policy optimal needs an AssignmentSolver")
        self.traffic = TrafficManager(site)
        self.known = frozenset(self.settings.robots)
        self.robots: dict[str, RobotRecord] = {}
        self.open_tasks: dict[str, TransportTask] = {}
        self.stats = FleetStats()
        self.inbox: deque[tuple[str, bytes]] = deque()
        self._orders = 0
        self._chargers = [n.node_id for n in site.nodes_of_kind("charger")]
        self._parking = [n.node_id for n in site.nodes_of_kind("parking")]
        self._charger_dist: dict[str, float] = {}
        self._demand: deque[str] = deque(maxlen=DEMAND_WINDOW)
        """Pick-up nodes of the latest tasks, each repeated priority + 1 times: parking follows."""
        self._open_cycles: dict[frozenset[str], float] = {}
        self._counted: set[frozenset[str]] = set()
        self.before_dispatch: list[Callable[[float], None]] = []
        """Called each tick once the robots' messages are applied (a restart's hand-over)."""

    # -- wiring ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Subscribe to every robot's state, connection and factsheet topics."""
        for sub in ("state", "connection", "factsheet"):
            self.transport.subscribe(topic(self.settings.prefix, "+", "+", sub), self.inbox_put)

    def inbox_put(self, name: str, payload: bytes) -> None:
        self.inbox.append((name, payload))

    def send(self, robot: RobotRecord, sub: str, message: dict[str, Any]) -> None:
        name = topic(self.settings.prefix, robot.manufacturer, robot.serial, sub)
        self.transport.publish(name, encode(message), qos=1 if sub != "visualization" else 0)

    def request_factsheet(self, robot: RobotRecord, now: float) -> None:
        """Ask a robot for its factsheet (VDA 5050 2.1 ``factsheetRequest``) if none arrived."""
        self.instant_action(robot, "factsheetRequest", "factsheet", now)

    def cancel_order(self, robot: RobotRecord, now: float) -> str:
        return self.instant_action(robot, "cancelOrder", "cancel", now)

    def instant_action(self, robot: RobotRecord, action_type: str, tag: str, now: float) -> str:
        """Send the robot one instant action, its id ``{tag}-{serial}-{second}`` (returned)."""
        header = self.head(robot, "instantActions", now)
        action_id = f"{tag}-{robot.serial}-{int(now)}"
        self.send(robot, "instantActions", build_instant(header, action_type, action_id))
        return action_id

    def submit(self, task: TransportTask) -> None:
        self.open_tasks[task.task_id] = task
        self._demand.extend([task.source] * (task.priority + 1))

    def to_charger(self, node: str) -> float:
        if node not in self._charger_dist:
            self._charger_dist[node] = min(
                (self.site.distance(node, c) for c in self._chargers), default=0.0
            )
        return self._charger_dist[node]

    # -- the loop -------------------------------------------------------------------------------
    def tick(self) -> None:
        now = self.clock.now().timestamp()
        self.drain_inbox(now)
        self.check_timeouts(now)
        self.check_stops(now)
        for hook in self.before_dispatch:
            hook(now)
        self.release_legs(now)
        self.break_deadlocks(now)
        self.dispatch(now)
        self.send_idle_robots(now)

    def release_legs(self, now: float) -> None:
        """Ask traffic for the rest of each robot's leg and release what it grants as orders."""
        for robot in self.robots.values():
            if not robot.available or not robot.legs or robot.evading or robot.halting:
                continue
            assert robot.node is not None
            end = self.traffic.base_end(robot.serial)
            leg = robot.legs[0]
            if end == leg.target and (robot.order_id is not None or robot.node != end):
                continue
            if not robot.requested:
                blocked = self.traffic.obstacles(robot.serial)
                path = self.site.path(
                    end, leg.target, blocked=blocked | self.traffic.standing(robot.serial)
                ) or self.site.path(end, leg.target, blocked=blocked)
                if path is None:
                    self.abandon(robot, now, reasons.NO_ROUTE(node=leg.target))
                    continue
                if len(path) > 1:
                    self.traffic.request(robot.serial, path, priority=self.priority_of(robot))
                robot.requested, robot.wait_since = True, now
            base = [end] if end == leg.target else self.traffic.try_grant(robot.serial)
            if base is None:
                self.watch_stall(robot, now)
                continue
            rest = list(self.traffic.robots[robot.serial].wanted[1:])
            robot.wait_since, robot.stalled = None, False
            if not rest:
                robot.requested = False
            if robot.order_id is None:
                self._orders += 1
                robot.order_id = f"{robot.purpose.value}-{self.settings.order_prefix}{self._orders}"
                robot.order_update_id = 0
                robot.action_status = {}
            else:
                robot.order_update_id += 1
            message = build_order(self.site, robot, base, rest, self.head(robot, "order", now))
            self.send(robot, "order", message)
            robot.note(
                now, notes.ORDER(order=robot.order_id, update=robot.order_update_id, node=base[-1])
            )

    def watch_stall(self, robot: RobotRecord, now: float) -> None:
        """Count a robot that has waited longer than ``stall_after_s`` (a jam, or a deadlock)."""
        if not self.traffic.waiting(robot.serial):
            return
        if robot.wait_since is None:
            robot.wait_since = now
        if not robot.stalled and now - robot.wait_since > self.settings.stall_after_s:
            robot.stalled = True
            self.stats.long_waits += 1
            log.warning(
                "robot %s waits since %.0f s for %s",
                robot.serial,
                now - robot.wait_since,
                sorted(self.traffic.blockers(robot.serial)),
            )

    def priority_of(self, robot: RobotRecord) -> int:
        return robot.task.priority if robot.task else -1

    def head(self, robot: RobotRecord, sub: str, now: float) -> dict[str, Any]:
        return robot.header.header(sub, now)

    def break_deadlocks(self, now: float) -> None:
        evasions, unresolved = self.traffic.resolve_deadlocks()
        for evasion in evasions:
            robot = self.robots[evasion.serial]
            self._orders += 1
            robot.order_id, robot.order_update_id = (
                f"evade-{self.settings.order_prefix}{self._orders}",
                0,
            )
            robot.action_status = {}
            robot.evading, robot.requested = True, False
            robot.wait_since = None
            self.send(
                robot,
                "order",
                build_plain_order(self.site, robot, evasion.path, self.head(robot, "order", now)),
            )
            robot.note(now, notes.EVADES(node=evasion.path[-1]))
            self.stats.evasions += 1
        seen = {frozenset(c): self._open_cycles.get(frozenset(c), now) for c in unresolved}
        for cycle, since in seen.items():
            if now - since >= self.settings.deadlock_after_s and cycle not in self._counted:
                self._counted.add(cycle)
                self.stats.deadlocks += 1
                log.warning(
                    "deadlock: no evasion broke the cycle %s for %.0f s", sorted(cycle), now - since
                )
        self._open_cycles = seen
        self._counted &= set(seen)

    # -- dispatch -------------------------------------------------------------------------------
    def idle_candidates(self) -> list[RobotRecord]:
        out = []
        for robot in self.robots.values():
            if not robot.available or robot.task is not None:
                continue
            if robot.purpose in (Purpose.CHARGE, Purpose.CHARGING):
                continue
            if robot.purpose == Purpose.PARK and robot.order_id is not None:
                continue
            if self.battery.needs_charging(robot.battery):
                continue
            out.append(robot)
        return out

    def dispatch(self, now: float) -> None:
        robots = self.idle_candidates()
        if not robots or not self.open_tasks:
            return
        visits = self.station_visits()
        cap = self.settings.station_cap

        def room(task: TransportTask) -> bool:
            return visits.get(task.source, 0) < cap and visits.get(task.destination, 0) < cap

        waiting = [t for t in self.open_tasks.values() if room(t)]
        if not waiting:
            return
        grouped = trips(waiting, max(r.capacity for r in robots) - 1)
        leads = [lead for lead, _ in grouped]
        candidates = [RobotCandidate(r.serial, r.node or "", r.battery, r.speed) for r in robots]
        for i, j in self.assign(candidates, leads, now):
            task, riders = grouped[j]
            if not room(task):
                continue  # another pair of this round already filled the station
            for node in {task.source, task.destination}:
                visits[node] = visits.get(node, 0) + 1
            self.start_task(robots[i], task, now, riders[: robots[i].capacity - 1])

    def station_visits(self) -> dict[str, int]:
        """How many robots are on their way to each station now (their next leg ends there): a
        robot that must call somewhere else first is not queuing for it yet."""
        visits: dict[str, int] = {}
        for robot in self.robots.values():
            if robot.task is not None and robot.legs:
                node = robot.legs[0].target
                visits[node] = visits.get(node, 0) + 1
        return visits

    def assign(
        self, candidates: Sequence[RobotCandidate], tasks: Sequence[TransportTask], now: float
    ) -> list[tuple[int, int]]:
        if self.settings.policy == "greedy" or self.solver is None:
            return greedy_assign(
                candidates, tasks, self.site.distance, self.battery, self.to_charger
            )
        cost: Sequence[Sequence[float]]
        if self.cost_model is not None:
            cost = self.cost_model.matrix(candidates, tasks, now)
        else:
            cost = cost_matrix(
                candidates, tasks, now, self.site.distance, self.battery, self.to_charger
            )
        return pairs_from_solution(cost, self.solver.solve(cost))

    def start_task(
        self,
        robot: RobotRecord,
        task: TransportTask,
        now: float,
        riders: Sequence[TransportTask] = (),
    ) -> None:
        """Send ``robot`` on a trip: pick ``task``'s load (and each rider's at the same node),
        then drop them at the destination in the same order."""
        trip = [task, *riders]
        for job in trip:
            self.open_tasks.pop(job.task_id, None)
        if robot.requested:
            self.traffic.withdraw(robot.serial)
        robot.end_trip()
        robot.task, robot.riders, robot.purpose = task, list(riders), Purpose.TASK
        robot.legs = [pick_leg(job) for job in trip] + [drop_leg(job) for job in trip]
        robot.requested = False
        robot.order_id = None
        trips = (notes.TRIP(task=t.task_id, job=t.kind.value, sample=t.load_id) for t in trip)
        robot.note(now, notes.SEPARATOR.join(trips))

    def send_idle_robots(self, now: float) -> None:
        """Send low batteries to a free charger, stop full ones, park the rest off the lanes."""
        taken = {r.legs[-1].target for r in self.robots.values() if r.legs}
        for robot in self.robots.values():
            if not robot.available or robot.node is None:
                continue
            if robot.purpose == Purpose.CHARGING and self.battery.is_full(robot.battery):
                self.instant_action(robot, "stopCharging", "stop", now)
                robot.purpose = Purpose.IDLE
                robot.note(now, notes.CHARGED())
                continue
            if robot.purpose != Purpose.IDLE or robot.legs:
                continue
            if self.battery.needs_charging(robot.battery):
                target = self._free_node(robot, self._chargers, taken)
                if target is not None:
                    robot.purpose, robot.order_id = Purpose.CHARGE, None
                    robot.legs = [Leg(target, "startCharging")]
                    taken.add(target)
                    continue
            if robot.node in self._parking:
                continue
            target = self._free_node(robot, self._parking, taken, Counter(self._demand))
            if target is not None:
                robot.purpose, robot.order_id = Purpose.PARK, None
                robot.legs = [Leg(target)]
                taken.add(target)

    def _free_node(
        self,
        robot: RobotRecord,
        nodes: list[str],
        taken: set[str],
        demand: Counter[str] | None = None,
    ) -> str | None:
        assert robot.node is not None
        free = [
            n
            for n in nodes
            if n not in taken and self.traffic.node_holder.get(n) in (None, robot.serial)
        ]
        return nearest_to_work(robot.node, free, demand or Counter(), self.site.distance)

    # -- progress and faults --------------------------------------------------------------------
    def leg_done(self, robot: RobotRecord, now: float) -> None:
        leg = robot.legs.pop(0)
        robot.requested = False
        task = leg.task  # a pick or a drop names its task; other legs have none
        if leg.action == "pick" and task is not None:
            robot.aboard.add(task.task_id)
            self.listener.on_picked(task.task_id, task.load_id, robot.serial, now)
        elif leg.action == "drop" and task is not None:
            robot.aboard.discard(task.task_id)
            self.listener.on_delivered(task.task_id, task.load_id, robot.serial, now)
            self.stats.completed.append((task, now))
            rest = [t for t in robot.trip if t is not task]  # the trip's tasks still to drop
            robot.task, robot.riders = (rest[0], rest[1:]) if rest else (None, [])
        elif leg.action == "startCharging":
            robot.purpose = Purpose.CHARGING
        if not robot.legs:
            robot.order_id = None
            robot.route = []
            if robot.purpose in (Purpose.TASK, Purpose.PARK):
                robot.purpose = Purpose.IDLE

    def recover(self, serial: str, now: float) -> None:
        """Staff took a failed robot off the floor: free its reservations."""
        robot = self.robots[serial]
        self.traffic.remove(serial)
        robot.node, robot.purpose, robot.online = None, Purpose.OFFLINE, False
        robot.note(now, notes.RECOVERED())
