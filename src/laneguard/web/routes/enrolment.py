"""Enrolment codes: the page listing terminals, where an operator makes a one-time code for a
terminal by its name and sees it once, with the station key's fingerprint to compare."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse

from laneguard.alerting.service.terminals import EnrolmentRefusedError, IssuedCode
from laneguard.web.context import Pages


def routes(pages: Pages) -> APIRouter:
    ctx, view, change = pages.ctx, pages.view, pages.change
    router = APIRouter()

    def page(request: Request, issued: IssuedCode | None = None) -> HTMLResponse:
        return pages.page(
            request,
            "terminals.html",
            terminals=ctx.terminals.list(),
            issued=issued,
            fingerprint=ctx.station_key_fingerprint,
            tz=ctx.stats.tz,
        )

    @router.get("/terminals", response_class=HTMLResponse, dependencies=view)
    def terminals_page(request: Request) -> HTMLResponse:
        return page(request)

    @router.post("/terminals/codes", response_class=HTMLResponse, dependencies=change)
    def make_code(
        request: Request,
        name: Annotated[str, Form(min_length=1, max_length=64)],
        lanes: Annotated[str, Form(max_length=512)] = "",
        leader: Annotated[bool, Form()] = False,
    ) -> HTMLResponse:
        """`lanes`: comma- or space-separated, empty for every lane of this station."""
        wanted = [lane for lane in lanes.replace(",", " ").split() if lane]
        try:
            issued = ctx.terminals.issue_code(
                name, request.state.session.user.name, lanes=wanted, leader=leader
            )
        except EnrolmentRefusedError as exc:
            raise HTTPException(422, str(exc)) from exc
        response = page(request, issued)
        response.status_code = 201
        response.headers["Cache-Control"] = "no-store"
        return response

    return router
