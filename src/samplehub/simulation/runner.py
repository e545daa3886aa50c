"""Runs a fleet scenario in simulated time: demand → storage operations → fleet → robots.

The fleet manager, the storage operations and the robots are the production classes; only the
clock (simulated), the bus (in-process) and the RFID readers (the simulated world) differ.
"""

from __future__ import annotations

import heapq
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from samplehub.fleet.adapters.dispatch_numpy import NumpyCostModel
from samplehub.fleet.adapters.mqtt.inprocess import InProcessTransport
from samplehub.fleet.adapters.solver_scipy import ScipyAssignmentSolver
from samplehub.fleet.domain.dispatch import TaskKind
from samplehub.fleet.domain.sitemap import SiteMap, site_map_from_dict
from samplehub.fleet.service.fleet import FleetManager
from samplehub.fleet.service.ports import FleetLifecycle, Transport
from samplehub.fleet.service.settings import FleetSettings
from samplehub.simulation.clock import SimClock
from samplehub.simulation.metrics import summarize
from samplehub.simulation.robot import SimRobot
from samplehub.simulation.scenario import Scenario
from samplehub.simulation.storage import StorageOperations
from samplehub.simulation.world import SimWorld
from samplehub.storage.domain.warehouse import (
    DwellSlotting,
    NoSlotAvailableError,
    warehouse_from_dict,
)


@dataclass
class FleetSimulation:
    scenario: Scenario
    policy: str
    seed: int
    prefix: str = ""
    transport: Transport = field(default_factory=InProcessTransport)
    lifecycle: FleetLifecycle | None = None
    pinned: set[str] = field(default_factory=set)
    """Loads the random demand never moves (real samples handed in by the demo)."""

    def __post_init__(self) -> None:
        sc = self.scenario
        self.rng = random.Random(self.seed)
        self.clock = SimClock()
        self.site: SiteMap = site_map_from_dict(sc.site)
        exits = tuple(
            n.node_id for n in self.site.nodes.values() if n.kind in ("intake", "locker_port")
        )
        self.warehouse = warehouse_from_dict(sc.storage, exits)
        self.world = SimWorld()
        intake = self.site.nodes_of_kind("intake")[0].node_id
        self.labs = [n.node_id for n in self.site.nodes_of_kind("lab_drop")]
        self.lockers = [n.node_id for n in self.site.nodes_of_kind("locker_port")]
        self.storage = StorageOperations(
            self.warehouse, self.site, DwellSlotting(), self.world, intake, lifecycle=self.lifecycle
        )
        self.fleet = FleetManager(
            self.site,
            self.transport,
            self.clock,
            self.storage,
            sc.battery,
            solver=ScipyAssignmentSolver() if self.policy == "optimal" else None,
            cost_model=NumpyCostModel(self.site, sc.battery) if self.policy == "optimal" else None,
            settings=FleetSettings(
                prefix=self.prefix,
                manufacturer=sc.manufacturer,
                offline_after_s=sc.offline_after_s,
                stall_after_s=sc.stall_after_s,
                policy=self.policy,
                robots=tuple(f"R{i + 1:02d}" for i in range(sc.robot_count)),
            ),
        )
        self.storage.fleet = self.fleet
        self.fleet.start()
        self.busy: set[str] = set()
        self.returns: list[tuple[float, str, str]] = []
        self.rejected_intake = 0
        self._serial = 0
        self._seen_done = 0
        self._fill()
        parking = [n.node_id for n in self.site.nodes_of_kind("parking")]
        if len(parking) < sc.robot_count:
            raise ValueError(
                f"robots.count: {sc.robot_count} robots but only {len(parking)} parking nodes; "
                "each robot needs a parking place off the lanes"
            )
        self.robots = [
            SimRobot(
                f"R{i + 1:02d}",
                sc.manufacturer,
                self.site,
                parking[i],
                self.transport,
                self.prefix,
                sc.battery,
                sc.robot_speed,
                battery=self.rng.uniform(60, 100),
                state_interval_s=sc.state_interval_s,
                world=self.world,
            )
            for i in range(sc.robot_count)
        ]
        now = self.clock.t
        for robot in self.robots:
            robot.connect(now)
        self._pump()
        self.fleet.tick()
        rates = {
            "put_away": sc.demand.put_away_per_hour,
            "lab": sc.demand.lab_delivery_per_hour,
            "staging": sc.demand.staging_per_hour,
        }
        self.rates = {k: v for k, v in rates.items() if v > 0}
        self.next_arrival = {k: now + self.rng.expovariate(v / 3600) for k, v in self.rates.items()}

    def _pump(self) -> None:
        """Deliver queued messages on the in-process bus; a broker delivers by itself."""
        pump = getattr(self.transport, "pump", None)
        if pump is not None:
            pump()

    def _epc(self) -> str:
        self._serial += 1
        return f"3414{self._serial:020X}"

    def _size(self) -> str:
        sizes = self.scenario.demand.sizes
        return self.rng.choices(list(sizes), weights=list(sizes.values()))[0]

    def _fill(self) -> None:
        open_slots = [s for s in self.warehouse.slots.values() if s.is_open]
        count = int(len(open_slots) * self.scenario.initial_fill)
        for slot in self.rng.sample(open_slots, count):
            epc = self._epc()
            self.warehouse.store(slot.address, epc)
            self.world.place(slot.address, epc)

    def _stored_idle_sample(self) -> str | None:
        stored = [
            s.occupant
            for s in self.warehouse.slots.values()
            if s.occupant and s.occupant not in self.busy and s.occupant not in self.pinned
        ]
        return self.rng.choice(stored) if stored else None

    def _arrive(self, kind: str, now: float) -> None:
        demand = self.scenario.demand
        try:
            if kind == "put_away":
                epc = self._epc()
                dwell = self.rng.uniform(*demand.dwell_days) * 86400
                self.storage.put_away(epc, self._size(), dwell, now)
                self.world.place("intake", epc)
                self.busy.add(epc)
            elif kind == "lab":
                self._send_out(self.storage.deliver_to_lab, self.labs, now, demand.lab_deadline_s)
            elif kind == "staging":
                self._send_out(
                    self.storage.stage_for_pickup, self.lockers, now, demand.staging_deadline_s
                )
        except NoSlotAvailableError:
            self.rejected_intake += 1

    def _send_out(
        self,
        move: Callable[[str, str, float, float], object],
        places: list[str],
        now: float,
        within_s: float,
    ) -> None:
        """A stored sample nobody is moving goes to a random one of ``places`` (if there is one)."""
        epc = self._stored_idle_sample()
        if epc:
            self.busy.add(epc)
            move(epc, self.rng.choice(places), now, now + within_s)

    def _completions(self, now: float) -> None:
        done = self.fleet.stats.completed
        for task, _ in done[self._seen_done :]:
            if task.kind == TaskKind.LAB_DELIVERY:
                back = now + self.rng.uniform(*self.scenario.demand.lab_dwell_s)
                heapq.heappush(self.returns, (back, task.load_id, task.destination))
            elif task.kind != TaskKind.STAGING:
                self.busy.discard(task.load_id)
        self._seen_done = len(done)

    def step(self) -> None:
        now = self.clock.t
        for kind, at in list(self.next_arrival.items()):
            while at <= now:
                self._arrive(kind, at)
                at += self.rng.expovariate(self.rates[kind] / 3600)
            self.next_arrival[kind] = at
        while self.returns and self.returns[0][0] <= now:
            _, epc, lab = heapq.heappop(self.returns)
            try:
                self.storage.return_from_lab(epc, lab, self._size(), 3 * 86400, now)
            except NoSlotAvailableError:
                self.rejected_intake += 1
        dt = self.scenario.step_s
        for robot in self.robots:
            robot.step(now, dt)
        self._pump()
        self.fleet.tick()
        self._pump()
        self._completions(now)
        self.clock.advance(dt)

    def run(self, hours: float, progress: Callable[[float], None] | None = None) -> dict[str, Any]:
        started = time.perf_counter()
        end = hours * 3600
        last_report = 0.0
        while self.clock.elapsed < end:
            self.step()
            if progress is not None and self.clock.elapsed - last_report >= 60:
                last_report = self.clock.elapsed
                progress(min(1.0, self.clock.elapsed / end))
        return self.metrics(hours, time.perf_counter() - started)

    def metrics(self, hours: float, wall_s: float) -> dict[str, Any]:
        times = [at - task.created_at for task, at in self.fleet.stats.completed]
        late = sum(
            1
            for task, at in self.fleet.stats.completed
            if task.deadline is not None and at > task.deadline
        )
        stats = self.fleet.stats
        return summarize(
            task_times=times,
            sim_hours=hours,
            empty_m=sum(r.odometer.empty_m for r in self.robots),
            loaded_m=sum(r.odometer.loaded_m for r in self.robots),
            deadlocks=stats.deadlocks,
            robots=len(self.robots),
            policy=self.policy,
            wall_s=wall_s,
            extra={
                "scenario": self.scenario.name,
                "seed": self.seed,
                "open_tasks": len(self.fleet.open_tasks),
                "evasions": stats.evasions,
                "long_waits": stats.long_waits,
                "late_tasks": late,
                "rejected_orders": stats.rejected_orders,
                "rejected_intake": self.rejected_intake,
                "sim_s_per_wall_s": round(hours * 3600 / wall_s, 1) if wall_s else None,
                "capacity_warnings": [
                    {"area": w.area, "level": w.level} for w in self.warehouse.capacity_warnings()
                ],
            },
        )


def vda_logger(stream: IO[str]) -> Callable[[str, bytes], None]:
    """A transport tap that writes each message as ``{"topic", "payload"}`` on one line."""

    def tap(name: str, payload: bytes) -> None:
        stream.write(json.dumps({"topic": name, "payload": json.loads(payload)}) + "\n")

    return tap
