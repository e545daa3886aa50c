"""The staff web terminal: its page, enrolment, sealed acknowledgements, and the WebSocket that
carries sealed alerts to it. These are the device's routes: no user login, because each proves
itself otherwise (a one-time enrolment code, an acknowledgement sealed by an enrolled key, an
enrolled terminal's id for alerts sealed to that terminal's key alone)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from laneguard.alerting.domain.alerts import MalformedMessageError, SealedMessage, b64e
from laneguard.alerting.service.alerting import TerminalNotAllowedError, UnknownIncidentError
from laneguard.alerting.service.ports import DecryptionError
from laneguard.alerting.service.terminals import (
    EnrolmentCodeError,
    EnrolmentLockedError,
    EnrolmentRefusedError,
)
from laneguard.core.domain.records import IncidentAlreadyClosedError
from laneguard.core.errors import LaneGuardError
from laneguard.web.context import Pages, incident_json
from laneguard.web.i18n import CLASSES, OUTCOMES, message_id

log = logging.getLogger(__name__)


class EnrolRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    public_key: str = Field(description="X25519 public key, 32 bytes, base64")
    code: str = Field(max_length=64, description="The one-time code an operator made")


# what terminal.js shows, by the names it looks them up under (with classes and outcomes)
SCRIPT_TEXTS = {
    "enrol": message_id("alerting.enrol"),
    "outcome": message_id("alerting.outcome"),
    "snapshot": message_id("alerting.snapshot"),
    "camera": message_id("alerting.camera"),
    "lane": message_id("alerting.lane"),
    "fingerprint": message_id("alerting.fingerprint"),
    "escalated": message_id("alerting.escalated"),
    "camera_stalled": message_id("alerting.camera_stalled"),
    "camera_failed": message_id("alerting.camera_failed"),
    "camera_ok": message_id("alerting.camera_ok"),
}


def routes(pages: Pages) -> APIRouter:
    ctx = pages.ctx
    router = APIRouter()

    @router.get("/terminal", response_class=HTMLResponse)
    def terminal_page(request: Request) -> HTMLResponse:
        t = pages.translator(request)
        labels = {str(key): t(msgid) for key, msgid in (CLASSES | OUTCOMES).items()}
        texts = {key: t(msgid) for key, msgid in SCRIPT_TEXTS.items()} | labels
        return pages.page(request, "terminal.html", texts=texts)

    @router.post("/api/terminals", status_code=201)
    def enrol(body: EnrolRequest, request: Request) -> dict[str, Any]:
        try:
            public_key = base64.b64decode(body.public_key, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise HTTPException(422, "public_key is not valid base64") from exc
        try:
            client = request.client.host if request.client else ""
            terminal = ctx.terminals.enroll(body.name, public_key, body.code, client)
        except EnrolmentLockedError as exc:
            raise HTTPException(429, str(exc)) from exc
        except EnrolmentCodeError as exc:
            raise HTTPException(403, str(exc)) from exc
        except EnrolmentRefusedError as exc:
            raise HTTPException(422, str(exc)) from exc
        return {
            "terminal_id": terminal.terminal_id,
            "name": terminal.name,
            "station": ctx.station,
            "station_public_key": b64e(ctx.station_public_key),
            "station_key_fingerprint": ctx.station_key_fingerprint,
            "mqtt": ctx.mqtt,
        }

    @router.post("/api/acks")
    async def acknowledge(request: Request) -> JSONResponse:
        body = await request.body()
        try:
            message = SealedMessage.from_bytes(body)
        except MalformedMessageError as exc:
            raise HTTPException(422, str(exc)) from exc
        try:
            record = await asyncio.to_thread(ctx.alerts.acknowledge, message)
        except (DecryptionError, TerminalNotAllowedError) as exc:
            raise HTTPException(403, str(exc)) from exc
        except UnknownIncidentError as exc:
            raise HTTPException(404, str(exc)) from exc
        except IncidentAlreadyClosedError as exc:
            raise HTTPException(409, str(exc)) from exc
        return JSONResponse(incident_json(record))

    @router.websocket("/ws/terminals/{terminal_id}")
    async def terminal_socket(websocket: WebSocket, terminal_id: str) -> None:
        if not await asyncio.to_thread(ctx.terminals.is_active, terminal_id):
            await websocket.close(code=4403, reason="terminal not enrolled or revoked")
            ctx.ws_hub.forget(terminal_id)
            return
        await websocket.accept()
        # Live alerts from now on, then what it missed while away: every unacknowledged alert
        # in the records (one sent in between may come twice; the page drops duplicates).
        queue = ctx.ws_hub.subscribe(terminal_id)
        try:
            missed = [
                m.to_bytes()
                for m in await asyncio.to_thread(ctx.alerts.unacknowledged_for, terminal_id)
            ]
        except LaneGuardError as exc:
            log.warning("open alerts of %s not read, sending the recent ones: %s", terminal_id, exc)
            missed = ctx.ws_hub.recent(terminal_id)
        for data in missed:
            queue.put_nowait(data)

        async def send() -> None:
            while True:
                data = await queue.get()
                await websocket.send_text(data.decode("ascii"))

        async def until_closed() -> None:
            while (await websocket.receive())["type"] != "websocket.disconnect":
                pass

        # Watch both directions: a page that goes away ends the handler at once, instead of
        # when the next alert fails to send (and uvicorn's shutdown never waits on it).
        tasks = {asyncio.create_task(send()), asyncio.create_task(until_closed())}
        try:
            _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            for task in tasks:
                task.cancel()
            ctx.ws_hub.unsubscribe(terminal_id, queue)

    return router
