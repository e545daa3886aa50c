"""The installation's health (系统状态) for admins and their monitoring: the disk of the data
folder, the nightly backup, the notice outbox, the custody chain's anchors, the intake devices,
storage and the robots, each ``ok``, ``warn`` or ``bad`` with its figures
(``core/domain/status.py``).

Who may use it (``x-roles``): admins.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from samplehub.core.domain import status
from samplehub.core.domain.permissions import Action
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, State

router = APIRouter(tags=["status"], dependencies=[allow(Action.STATUS)])
ADMINS = {"x-roles": ["admin"]}
Level = Literal["ok", "warn", "bad"]


class CheckOut(BaseModel):
    key: str = Field(description="disk, backup, outbox, anchors, devices, storage or fleet")
    level: Level
    message: str = Field(description="The catalogue message id of what was found")
    values: dict[str, Any]


class StatusOut(BaseModel):
    level: Level = Field(description="The worst part's level")
    checks: list[CheckOut]


@router.get(
    "/status", response_model=StatusOut, summary="The installation's health", openapi_extra=ADMINS
)
def installation_status(actor: CurrentActor, state: State) -> StatusOut:
    if state.status is None:
        raise HTTPException(503, "nothing reads the installation's health in this process")
    checks = state.status()
    found = [
        CheckOut(
            key=c.key, level=c.level.value, message=c.message.id, values=dict(c.message.params)
        )
        for c in checks
    ]
    return StatusOut(level=status.worst(checks).value, checks=found)
