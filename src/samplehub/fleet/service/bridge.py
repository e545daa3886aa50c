"""The tasks table and the fleet manager, joined: open transport tasks become robot tasks, and
every robot event goes back as a bus command (``AdvanceTask``, ``ReleaseTask``, ``FailTask``).

The database is the truth. The bridge keeps only what it can rebuild from it: on start it
reads the open tasks and hands each to the fleet in the state the record says (created: to
dispatch; assigned/picking: back to the same robot when it shows up, else released; carrying:
resumed on the robot holding the load; delivered: finished). A step the task's state machine
refuses because it was already taken (a restart between the robot's event and our record) is
treated as done and logged, so no step is applied twice. Any other refusal is logged and
survived: the robots keep running.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from samplehub.core.domain import reasons
from samplehub.core.domain.errors import Conflict, DomainError
from samplehub.core.domain.locations import Location
from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.transport import TaskState
from samplehub.core.domain.transport import TransportTask as Record
from samplehub.core.service import commands as c
from samplehub.core.service.ports import Places, UnitOfWork
from samplehub.fleet.domain.dispatch import TaskKind, TransportTask
from samplehub.fleet.service.fleet import FleetManager
from samplehub.fleet.service.handover import by_robot, drop_rider, drop_trip, to_the_drop
from samplehub.fleet.service.jobs import job_for
from samplehub.fleet.service.lifecycle import FLEET_ACTOR
from samplehub.fleet.service.orders import INTO_SLOT
from samplehub.fleet.service.ports import Floor, RfidReader
from samplehub.fleet.service.robots import Purpose, RobotRecord

log = logging.getLogger(__name__)
S = TaskState

STEPS = (S.CREATED, S.ASSIGNED, S.PICKING, S.CARRYING, S.DELIVERED, S.DONE)
ROBOT_FREE = (Purpose.IDLE, Purpose.PARK)
FOR_A_PERSON = frozenset({"fleet.alert_emergency_stop", "fleet.alert_robots_on_one_node"})
"""Alerts the staff recipients get too (a sample stranded on a robot fails its task, which
tells them already)."""


@dataclass(slots=True)
class Tracked:
    """An open task the fleet has, with the state its record is in."""

    job: TransportTask
    state: TaskState
    carrier: str | None
    target: Location
    place: str | None = None
    """The slot the fleet chose for a ``storage_slot:*`` target, given at delivery."""
    since: float = 0.0


@dataclass(eq=False, repr=False)
class TaskBridge:
    """Implements the fleet's ``FleetListener`` over the message bus."""

    fleet: FleetManager
    uow_factory: Callable[[], UnitOfWork]
    handle: Callable[[c.Command], Any]
    places: Places
    _: KW_ONLY
    rfid: RfidReader | None = None
    floor: Floor | None = None
    max_in_flight: int = 8
    handover_s: float = 30.0
    actor: c.Actor = FLEET_ACTOR
    tracked: dict[str, Tracked] = field(init=False, default_factory=dict)
    pinned: dict[str, str] = field(init=False, default_factory=dict)
    """Task → robot it was assigned to before a restart; it gets it back when it shows."""
    resuming: dict[str, str] = field(init=False, default_factory=dict)
    """Task → robot that carried its sample before a restart."""
    alerts: list[tuple[float, Message]] = field(init=False, default_factory=list)
    _left: set[str] = field(init=False, default_factory=set)
    """Tasks this life leaves alone: no node on the map, or a step refused mid-way."""
    _rebuilt: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.fleet.listener = self
        self.fleet.before_dispatch.append(self.hand_over)

    # -- from the database ----------------------------------------------------------------------
    def in_flight(self) -> int:
        return len(self.tracked)

    def poll(self, now: float) -> None:
        """Take on open tasks (up to ``max_in_flight``), drop those someone else has taken."""
        with self.uow_factory() as uow:
            records = {r.id: r for r in uow.tasks.open()}
            for task_id in list(self.tracked):
                record = records.get(task_id)
                tracked = self.tracked[task_id]
                if record is None or (record.carrier or "").startswith("staff:"):
                    self.withdraw(task_id, now, "closed or taken by staff")
                elif record.target != tracked.target and record.state is not S.CARRYING:
                    self.withdraw(task_id, now, f"re-routed to {record.target}")
                elif record.target != tracked.target:
                    self.redirect(uow, tracked, record, now)
            taken = [
                self.take_on(uow, record, now)
                for record in records.values()
                if record.id not in self.tracked and record.id not in self._left
                and (record.state is not S.CREATED or self.in_flight() < self.max_in_flight)
                and (record.state is S.CREATED or record.carrier in self.fleet.known)
            ]  # fmt: skip
        self._rebuilt = True
        for arrived in taken:  # arrived before the restart: only its record is left to finish
            if arrived is not None and arrived.state is S.DELIVERED:
                self.finish(arrived, arrived.carrier or "")

    def take_on(self, uow: UnitOfWork, record: Record, now: float) -> Tracked | None:
        """Hand one record to the fleet in its state (a person's task or another fleet's robot
        is never taken: only created tasks, or those of this fleet's robots)."""
        job, place = job_for(uow, self.places, self.fleet.site, record)
        if job is None:
            self._left.add(record.id)
            log.warning("task %s: no site-map node for %s → %s", record.id, record.source,
                        record.target)  # fmt: skip
            return None
        tracked = Tracked(job, record.state, record.carrier, record.target, place, now)
        self.tracked[record.id] = tracked
        serial = record.carrier or ""
        if record.state is S.CREATED:
            self.fleet.submit(job)
        elif record.state in (S.ASSIGNED, S.PICKING):
            self.pinned[record.id] = serial
        elif record.state is S.CARRYING:
            self.resuming[record.id] = serial
            if self.floor is not None and not self._rebuilt:  # only robots of a past life
                self.floor.respawn(serial, job.source, job.load_id)
        log.info("task %s (%s) taken on in state %s", record.id, job.kind, record.state)
        return tracked

    # -- commands -------------------------------------------------------------------------------
    def record_of(self, task_id: str) -> Record | None:
        with self.uow_factory() as uow:
            return uow.tasks.get(task_id)

    def advance(self, tracked: Tracked, to: TaskState, **fields: str | None) -> bool:
        """One step of the record, always naming the robot, so the task's state machine refuses
        a step of a task someone else carries. A step the record already took is done."""
        task_id = tracked.job.task_id
        fields.setdefault("carrier", tracked.carrier)
        try:
            self.handle(c.AdvanceTask(self.actor, task_id, to.value, **fields))
        except Conflict:
            raise  # the database stayed busy: the worker is rebuilt from the records
        except DomainError as exc:
            record = self.record_of(task_id)
            ours = record is not None and record.carrier in (None, fields["carrier"])
            taken = record.state if record is not None and ours else None
            if taken in STEPS and STEPS.index(taken) >= STEPS.index(to):
                log.info("task %s is already %s: %s not applied again", task_id, taken, to)
                tracked.state = taken
                return True
            refused = message_id("fleet.alert_step_refused")
            self.alert(refused, task=task_id, step=to.value, detail=str(exc))
            if record is not None and not ours:
                self.withdraw(task_id, self.fleet.clock.now().timestamp(), f"{record.carrier}'s")
            return False
        tracked.state = to
        tracked.carrier = fields["carrier"]
        return True

    def release(self, tracked: Tracked, reason: str) -> TaskState | None:
        task_id = tracked.job.task_id
        try:
            state = TaskState(self.handle(c.ReleaseTask(self.actor, task_id, reason)))
        except Conflict:
            raise
        except DomainError as exc:
            self.alert(message_id("fleet.alert_release_refused"), task=task_id, detail=str(exc))
            return None
        tracked.state, tracked.carrier = state, None
        if state is not S.CREATED:
            self.alert(message_id("fleet.alert_task_failed"), task=task_id, reason=reason)
            self.forget(task_id)
        return state

    def fail(self, task_id: str, reason: str) -> None:
        try:
            self.handle(c.FailTask(self.actor, task_id, reason))
        except Conflict:
            raise
        except DomainError as exc:
            self.alert(message_id("fleet.alert_fail_refused"), task=task_id, detail=str(exc))
        self.forget(task_id)

    def alert(self, msgid: str, **values: str) -> None:
        self.on_alert(Message(msgid, values), self.fleet.clock.now().timestamp())

    def forget(self, task_id: str) -> None:
        self.tracked.pop(task_id, None)
        self.pinned.pop(task_id, None)
        self.resuming.pop(task_id, None)
        self.fleet.open_tasks.pop(task_id, None)

    # -- from the fleet -------------------------------------------------------------------------
    def after_tick(self, now: float) -> None:
        """Record what the dispatch round and the robots did: assignments, arrivals at the
        pick-up, and tasks back in the queue because their robot was lost before pick-up."""
        for robot in self.fleet.robots.values():
            for job in robot.trip:
                tracked = self.tracked.get(job.task_id)
                if tracked is None or job.task_id in robot.aboard:
                    continue
                if tracked.carrier != robot.serial:
                    why = reasons.REDISPATCHED(robot=robot.serial)
                    again = tracked.state is S.CREATED or self.release(tracked, why) is S.CREATED
                    if not again:
                        drop_trip(self.fleet, robot, now)
                        break
                    self.advance(tracked, S.ASSIGNED, carrier=robot.serial)
                leg = robot.legs[0] if robot.legs else None
                at_pick = leg is not None and leg.action == "pick" and leg.task is job
                if tracked.state is S.ASSIGNED and at_pick and robot.node == job.source:
                    self.advance(tracked, S.PICKING)
        for task_id in list(self.fleet.open_tasks):
            tracked = self.tracked[task_id]
            if tracked.state in (S.ASSIGNED, S.PICKING):
                self.release(tracked, reasons.LOST(robot=tracked.carrier))

    def on_picked(self, task_id: str, load_id: str, serial: str, now: float) -> None:
        tracked = self.tracked.get(task_id)
        if tracked is None:
            return
        if tracked.state is S.ASSIGNED:
            self.advance(tracked, S.PICKING)
        self.advance(tracked, S.CARRYING)

    def on_delivered(self, task_id: str, load_id: str, serial: str, now: float) -> None:
        tracked = self.tracked.get(task_id)
        if tracked is not None:
            self.finish(tracked, serial)

    def finish(self, tracked: Tracked, serial: str) -> None:
        """Delivered at the target (the chosen slot for ``storage_slot:*``), then done, with
        the RFID read at the slot as the confirmation where a reader saw the tag."""
        job = tracked.job
        if tracked.state not in (S.CARRYING, S.DELIVERED):
            self.alert(
                message_id("fleet.alert_dropped_out_of_step"),
                task=job.task_id,
                robot=serial,
                sample=job.load_id,
                place=job.destination,
                state=tracked.state.value,
            )
            self._left.add(job.task_id)
            self.forget(job.task_id)
            return
        if tracked.state is S.CARRYING:
            # a slot the fleet chose may be refused by storage: then storage chooses
            delivered = self.advance(tracked, S.DELIVERED, place=tracked.place) or (
                tracked.place is not None and self.advance(tracked, S.DELIVERED)
            )
            if not delivered:
                self._left.add(job.task_id)
                self.forget(job.task_id)
                return
        if job.kind is TaskKind.STAGING:  # at the locker port: the compartment's identity
            # check on the pickup side loads it and ends the task (``pickup follow_staging``)
            log.info("task %s delivered at the locker port by %s", job.task_id, serial)
            self._left.add(job.task_id)
            self.forget(job.task_id)
            return
        seen: list[str] = []
        checked = self.rfid is not None and job.kind in INTO_SLOT and bool(job.slot_address)
        if self.rfid is not None and checked:
            seen = self.rfid.read(f"LOC-{job.slot_address}")
        confirmation = "rfid" if job.load_id in seen else "none"
        self.advance(tracked, S.DONE, confirmation=confirmation)
        if checked and confirmation == "none":  # recorded unconfirmed: staff look at the shelf
            self.alert(
                message_id("fleet.alert_not_read_at_slot"),
                task=job.task_id,
                sample=job.load_id,
                slot=job.slot_address or "",
            )
        log.info("task %s done by %s (confirmation %s)", job.task_id, serial, confirmation)
        self.forget(job.task_id)

    def on_stranded(self, task_id: str, load_id: str, serial: str, now: float) -> None:
        self.fail(task_id, reasons.STRANDED(robot=serial))

    def on_alert(self, alert: Message, now: float) -> None:
        """Logged, and kept (the last 50) for the live map, which shows them in its language;
        one that needs a person on the floor goes to the staff recipients too."""
        values = {k: str(v) for k, v in alert.params.items()}
        log.warning("fleet: %s (%s)", alert.id, ", ".join(f"{k}={v}" for k, v in values.items()))
        self.alerts.append((now, alert))
        del self.alerts[:-50]
        if alert.id in FOR_A_PERSON:
            try:
                kind = alert.id.removeprefix("fleet.alert_")
                self.handle(c.AlertStaff(self.actor, kind, alert.id, values))
            except Conflict:
                raise
            except DomainError as exc:
                log.error("fleet: staff not told of %s: %s", alert.id, exc)

    # -- restart hand-over and withdrawal -------------------------------------------------------
    def hand_over(self, now: float) -> None:
        """Before dispatch: give tasks back to the robots that had them before a restart."""
        for task_id, serial in list(self.pinned.items()):
            tracked, robot = self.tracked[task_id], self.fleet.robots.get(serial)
            if robot is not None and self.free(robot):
                del self.pinned[task_id]
                self.fleet.start_task(robot, tracked.job, now)
            elif now - tracked.since > self.handover_s:
                del self.pinned[task_id]
                if self.release(tracked, reasons.NOT_BACK(robot=serial)) is S.CREATED:
                    self.fleet.submit(tracked.job)
        for serial, task_ids in by_robot(self.resuming).items():  # all its loads: one trip
            robot = self.fleet.robots.get(serial)
            if robot is not None and self.free(robot):
                to_the_drop(self.fleet, robot, [self.tracked[t].job for t in task_ids], now)
                self.resuming = {t: s for t, s in self.resuming.items() if s != serial}
                continue
            for task_id in task_ids:
                if now - self.tracked[task_id].since > self.handover_s:
                    self.fail(task_id, reasons.NOT_BACK_CARRYING(robot=serial))

    def redirect(self, uow: UnitOfWork, tracked: Tracked, record: Record, now: float) -> None:
        """Staff re-routed a task whose sample is on a robot: it drives to the new target."""
        job, place = job_for(uow, self.places, self.fleet.site, record)
        robot = next((r for r in self.fleet.robots.values() if r.carries(record.id)), None)
        if job is None or robot is None or robot.node == tracked.job.destination:
            return  # unknown place, not on a robot yet (resuming), or dropping already
        tracked.job.destination, tracked.job.slot_address = job.destination, job.slot_address
        tracked.target, tracked.place = record.target, place
        to_the_drop(self.fleet, robot, [t for t in robot.trip if t.task_id in robot.aboard], now)
        log.info("task %s re-routed to %s while carrying", record.id, record.target)

    @staticmethod
    def free(robot: RobotRecord) -> bool:
        return robot.available and robot.task is None and robot.purpose in ROBOT_FREE

    def withdraw(self, task_id: str, now: float, why: str) -> None:
        """Someone else closed or took the task: the fleet lets go of it (a loaded robot keeps
        its sample until the record says where it goes)."""
        for robot in self.fleet.robots.values():
            if not robot.carries(task_id):
                continue
            if task_id in robot.aboard:
                return
            if robot.task is not None and robot.task.task_id == task_id:
                drop_trip(self.fleet, robot, now)
            else:
                drop_rider(self.fleet, robot, task_id, now)
        log.info("task %s withdrawn from the fleet: %s", task_id, why)
        self.forget(task_id)
