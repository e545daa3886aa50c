"""The public certificate check, /verify/<token>: what the QR code on a certificate opens.

Found only by the unguessable token the QR code carries (a certificate number finds nothing),
only once issued (superseded ones are marked so), with the fields a verifier needs, the PDF's
signature as checked now and its signer. Each address may open a few pages a minute (429).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from samplehub.core.domain.permissions import Action
from samplehub.lab.domain.errors import CertificateNotFoundError
from samplehub.lab.pages import LABELS
from samplehub.lab.service import certificates as lab
from samplehub.web.access import allow
from samplehub.web.api.auth import client_address
from samplehub.web.context import Page, PageContext
from samplehub.web.security import LoginLimiter

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.PUBLIC)])


def _limit(request: Request, ctx: PageContext) -> None:
    limiter: LoginLimiter | None = getattr(request.app.state, "verify_limiter", None)
    if limiter is None:
        return
    now = ctx.state.services.clock.now()
    address = client_address(request)
    wait = limiter.retry_after("/verify", address, now)
    if wait:
        raise HTTPException(429, "too many verification requests", {"Retry-After": str(wait)})
    limiter.failed("/verify", address, now)  # every look counts, found or not


@router.get("/verify/{token}")
def verify(request: Request, ctx: Page, token: str) -> Response:
    _limit(request, ctx)
    labs = ctx.state.services.lab
    if labs is None:
        raise HTTPException(503, "the lab is not configured")
    try:
        found = lab.verify_by_token(labs.deps, token)
    except CertificateNotFoundError:
        return ctx.render("verify.html", 404, record=None, check=None, **LABELS)
    return ctx.render("verify.html", 200, record=found.record, check=found.signature, **LABELS)
