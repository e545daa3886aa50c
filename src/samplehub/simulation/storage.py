"""The simulator's storage operations as transport tasks: put-away, lab delivery, return,
staging, relocation (the running system keeps storage as data in the storage slice).

Each operation chooses or frees slots in the in-memory warehouse, submits a ``TransportTask``
whose ``load_id`` is the sample's EPC, and hears back from the fleet (picked, delivered,
stranded).  With a ``FleetLifecycle`` attached, each of those events also
moves the real sample through its lifecycle; a move the lifecycle refuses holds the sample and
raises an alert, and the robot carries on.  Arrival in a slot is confirmed by an RFID read at
that slot; a read that disagrees puts the sample on hold and raises an alert instead of recording
a location nobody has seen.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Protocol

from samplehub.core.domain.messages import Message
from samplehub.fleet.domain.dispatch import TaskKind, TransportTask
from samplehub.fleet.domain.sitemap import SiteMap
from samplehub.fleet.service.ports import FleetLifecycle, RfidReader
from samplehub.storage.domain.warehouse import PutAwayRequest, SlottingPolicy, Warehouse


class TaskSink(Protocol):
    def submit(self, task: TransportTask) -> None: ...


@dataclass(frozen=True, slots=True)
class Alert:
    message: Message
    time: float

    @property
    def code(self) -> str:
        return self.message.id.removeprefix("fleet.alert_")


@dataclass(frozen=True, slots=True)
class Recovery:
    """A move made by hand, for the custody chain."""

    message: str
    time: float


@dataclass(slots=True)
class StorageOperations:
    warehouse: Warehouse
    site: SiteMap
    slotting: SlottingPolicy
    rfid: RfidReader
    intake_node: str
    fleet: TaskSink | None = None
    tasks: dict[str, TransportTask] = field(default_factory=dict)
    location: dict[str, str] = field(default_factory=dict)
    on_hold: set[str] = field(default_factory=set)
    alerts: list[Alert] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    slot_history: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    stranded: dict[str, str] = field(default_factory=dict)
    custody: list[Recovery] = field(default_factory=list)
    """Moves made by hand (recoveries), for the custody chain the lifecycle keeps."""
    lifecycle: FleetLifecycle | None = None
    refused: dict[str, str] = field(default_factory=dict)
    """Task id → why the lifecycle refused to record its move (the sample is held)."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _submit(self, task: TransportTask) -> TransportTask:
        self.tasks[task.task_id] = task
        if self.fleet is not None:
            self.fleet.submit(task)
        return task

    def _new_id(self, kind: TaskKind) -> str:
        return f"{kind.value}-{next(self._ids)}"

    def _slot_task(
        self,
        kind: TaskKind,
        epc: str,
        size: str,
        dwell_s: float,
        from_node: str,
        now: float,
        deadline: float | None = None,
    ) -> TransportTask:
        slot = self.slotting.choose(
            self.warehouse, PutAwayRequest(epc, size, dwell_s, from_node), self.site.distance
        )
        self.warehouse.reserve(slot.address, epc)
        task = TransportTask(
            self._new_id(kind),
            kind,
            epc,
            from_node,
            slot.access_node,
            now,
            deadline,
            slot_address=slot.address,
        )
        return self._submit(task)

    def put_away(
        self,
        epc: str,
        size_class: str,
        expected_dwell_s: float,
        now: float,
        deadline: float | None = None,
    ) -> TransportTask:
        """Intake → the slot slotting picks."""
        self.location[epc] = f"intake {self.intake_node}"
        return self._slot_task(
            TaskKind.PUT_AWAY, epc, size_class, expected_dwell_s, self.intake_node, now, deadline
        )

    def return_from_lab(
        self, epc: str, lab_node: str, size_class: str, expected_dwell_s: float, now: float
    ) -> TransportTask:
        return self._slot_task(TaskKind.RETURN, epc, size_class, expected_dwell_s, lab_node, now)

    def _from_slot(
        self, kind: TaskKind, epc: str, destination: str, now: float, deadline: float | None
    ) -> TransportTask:
        slot = self.warehouse.slot_of(epc)
        if slot is None:
            raise ValueError(f"epc: {epc!r} is not in storage; cannot start {kind.value}")
        task = TransportTask(
            self._new_id(kind),
            kind,
            epc,
            slot.access_node,
            destination,
            now,
            deadline,
            slot_address=slot.address,
        )
        return self._submit(task)

    def deliver_to_lab(
        self, epc: str, lab_node: str, now: float, deadline: float | None = None
    ) -> TransportTask:
        return self._from_slot(TaskKind.LAB_DELIVERY, epc, lab_node, now, deadline)

    def stage_for_pickup(
        self, epc: str, locker_node: str, now: float, deadline: float | None = None
    ) -> TransportTask:
        return self._from_slot(TaskKind.STAGING, epc, locker_node, now, deadline)

    def _slot_note(self, address: str, now: float, text: str) -> None:
        notes = self.slot_history.setdefault(address, [])
        notes.append((now, text))
        del notes[:-20]

    def relocate(self, epc: str, address: str, now: float) -> TransportTask:
        """Move a stored sample to another slot (e.g. before the old one is blocked)."""
        current = self.warehouse.slot_of(epc)
        if current is None:
            raise ValueError(f"epc: {epc!r} is not in storage; cannot relocate it")
        target = self.warehouse.reserve(address, epc)
        task = TransportTask(
            self._new_id(TaskKind.RELOCATION),
            TaskKind.RELOCATION,
            epc,
            current.access_node,
            target.access_node,
            now,
            slot_address=target.address,
            source_slot=current.address,
        )
        return self._submit(task)

    def _recorded(self, refusal: str | None, load_id: str, task_id: str, now: float) -> None:
        """A refused lifecycle move holds the sample with an alert; it never stops the fleet."""
        if refusal is None:
            return
        self.refused[task_id] = refusal
        self.on_hold.add(load_id)
        values = {"sample": load_id, "task": task_id, "detail": refusal}
        self.on_alert(Message("fleet.alert_lifecycle_refused", values), now)
        if self.lifecycle is not None:
            self.lifecycle.held(load_id, f"fleet record refused: {refusal}", task_id)

    # -- FleetListener ----------------------------------------------------------------------------
    def on_picked(self, task_id: str, load_id: str, serial: str, now: float) -> None:
        task = self.tasks.get(task_id)
        if task is None:
            return
        if task.kind in (TaskKind.LAB_DELIVERY, TaskKind.STAGING, TaskKind.RELOCATION):
            slot = self.warehouse.slot_of(load_id)
            if slot is not None:
                self.warehouse.remove(load_id)
                self._slot_note(slot.address, now, f"{load_id} picked by {serial} ({task_id})")
        self.location[load_id] = f"on robot {serial}"
        if self.lifecycle is not None:
            self._recorded(self.lifecycle.picked(load_id, serial, task_id), load_id, task_id, now)

    def on_delivered(self, task_id: str, load_id: str, serial: str, now: float) -> None:
        task = self.tasks.pop(task_id, None)
        if task is None:
            return
        self.done.append(task_id)
        if task.kind in (TaskKind.PUT_AWAY, TaskKind.RETURN, TaskKind.RELOCATION):
            assert task.slot_address is not None
            slot = self.warehouse.slot(task.slot_address)
            seen = self.rfid.read(slot.rfid_tag)
            if load_id in seen:
                self.warehouse.store(slot.address, load_id)
                self.location[load_id] = f"slot {slot.address}"
                self._slot_note(slot.address, now, f"{load_id} stored by {serial}, RFID confirmed")
                if self.lifecycle is not None:
                    refusal = self.lifecycle.stored(load_id, slot.address, serial, task_id)
                    self._recorded(refusal, load_id, task_id, now)
            else:
                self.warehouse.release_reservation(slot.address)
                self.on_hold.add(load_id)
                self.location[load_id] = f"on hold near {slot.access_node}"
                values = {"sample": load_id, "slot": slot.address, "task": task_id, "robot": serial}
                self.on_alert(Message("fleet.alert_rfid_mismatch", values), now)
                if self.lifecycle is not None:
                    reason = f"{load_id} not read at {slot.address} after {task_id} by {serial}"
                    self.lifecycle.held(load_id, reason, task_id)
        else:
            self.location[load_id] = f"node {task.destination}"
            if self.lifecycle is not None:
                if task.kind is TaskKind.STAGING:
                    refusal = self.lifecycle.staged(load_id, task.destination, serial, task_id)
                else:
                    refusal = self.lifecycle.delivered_to_lab(
                        load_id, task.destination, serial, task_id
                    )
                self._recorded(refusal, load_id, task_id, now)

    def on_stranded(self, task_id: str, load_id: str, serial: str, now: float) -> None:
        self.location[load_id] = f"on robot {serial}"
        self.stranded[load_id] = serial

    def recover_sample(self, epc: str, staff: str, place: str, now: float) -> Recovery:
        """Staff took a sample off a failed robot: the custody event the lifecycle records."""
        serial = self.stranded.pop(epc, None)
        if serial is None:
            raise ValueError(f"epc: {epc!r} is not on a failed robot; nothing to recover")
        self.location[epc] = place
        event = Recovery(f"{epc} taken off robot {serial} by {staff} to {place}", now)
        self.custody.append(event)
        return event

    def on_alert(self, alert: Message, now: float) -> None:
        self.alerts.append(Alert(alert, now))
