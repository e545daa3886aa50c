"""Verification of the chain of custody, for admins."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from samplehub.core.domain.errors import Forbidden
from samplehub.core.domain.model import Role
from samplehub.core.domain.permissions import Action
from samplehub.core.service import queries
from samplehub.web.access import allow
from samplehub.web.api.deps import CurrentActor, ServicesDep

router = APIRouter(tags=["audit"], dependencies=[allow(Action.AUDIT_VERIFY)])


class VerificationOut(BaseModel):
    ok: bool
    count: int
    broken_seq: int | None
    problem: str | None


@router.get(
    "/audit/verify",
    response_model=VerificationOut,
    summary="Walk the custody chain and hold it against the signed anchors",
)
def verify(actor: CurrentActor, services: ServicesDep) -> VerificationOut:
    if actor.role is not Role.ADMIN:
        raise Forbidden(actor.username, "verify the audit chain")
    checker = services.anchor_checker
    result = queries.verify_audit(services.uow_factory, checker() if checker else None)
    return VerificationOut(
        ok=result.ok, count=result.count, broken_seq=result.broken_seq, problem=result.problem
    )
