"""Shelf inventory over the API: the last cycles and open findings; a cycle count on demand."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from samplehub.core.domain.permissions import Action
from samplehub.storage.domain.inventory import CycleRecord, FindingRecord
from samplehub.storage.service import queries
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, State

router = APIRouter(tags=["storage"])


class FindingOut(BaseModel):
    at: datetime
    cycle: int
    kind: str
    epc: str
    sample: str | None
    recorded_slot: str | None
    seen: str | None
    action: str
    task_id: str | None
    state: str


class CycleOut(BaseModel):
    cycle: int | None
    at: datetime
    expected: int
    confirmed: int
    accuracy: float | None
    findings: int
    unavailable: list[str]


class InventoryOut(BaseModel):
    accuracy: float | None  # share of records the last cycle confirmed
    cycles: list[CycleOut]  # oldest first
    open_findings: list[FindingOut]


def _cycle(c: CycleRecord) -> CycleOut:
    return CycleOut(
        cycle=c.id, at=c.at, expected=c.expected, confirmed=c.confirmed, accuracy=c.accuracy,
        findings=c.findings, unavailable=list(c.unavailable),
    )  # fmt: skip


def _finding(f: FindingRecord) -> FindingOut:
    return FindingOut(at=f.at, cycle=f.cycle, kind=f.kind.value, epc=f.epc, sample=f.sample,
                      recorded_slot=f.recorded_slot, seen=f.seen, action=f.action,
                      task_id=f.task_id, state=f.state.value)  # fmt: skip


@router.get(
    "/storage/inventory",
    response_model=InventoryOut,
    summary="Inventory accuracy, the last cycle counts and the open findings",
    dependencies=[allow(Action.STORAGE_SEE)],
)
def inventory_status(actor: CurrentActor, state: State) -> InventoryOut:
    view = queries.inventory(state.services.uow_factory)
    return InventoryOut(accuracy=view.accuracy, cycles=[_cycle(c) for c in view.trend],
                        open_findings=[_finding(f) for f in view.open])  # fmt: skip


@router.post(
    "/storage/inventory",
    response_model=CycleOut,
    summary="Run a cycle count of the shelves now",
    dependencies=[allow(Action.STORAGE_INVENTORY)],
)
def inventory_count(actor: CurrentActor, state: State) -> CycleOut:
    run = state.inventory
    if run is None:
        raise HTTPException(503, "no shelf readers are wired in this process")
    done = run(actor)
    return CycleOut(cycle=done.cycle, at=state.services.clock.now(), expected=done.expected,
                    confirmed=done.confirmed, accuracy=done.accuracy,
                    findings=len(done.findings), unavailable=list(done.unavailable))  # fmt: skip
