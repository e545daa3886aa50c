"""FastAPI app for LaneGuard: pages (zh-CN default, `?lang=en` switches) and the terminal API.

Pages and API call services only. Alerts reach browsers as sealed messages over a WebSocket;
acknowledgements come back sealed and are opened by the alert service, never here."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import (
    Depends,
    FastAPI,
    HTTPException,
    Query,
    Request,
    WebSocket,
    WebSocketDisconnect,
)
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    Response,
    StreamingResponse,
)
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from laneguard.adapters.hubs import FrameHub, WebSocketHub
from laneguard.domain.alerts import MalformedMessageError, SealedMessage, b64e, iso_z
from laneguard.domain.incidents import ObjectClass
from laneguard.domain.records import IncidentAlreadyClosedError, IncidentRecord
from laneguard.domain.stats import Dimension, Period, percent
from laneguard.entrypoints.web.charts import stacked_bars
from laneguard.entrypoints.web.i18n import pick_locale, translator
from laneguard.service.alerting import AlertService, TerminalNotAllowedError, UnknownIncidentError
from laneguard.service.ports import DecryptionError, LaneGuardError, LayoutInvalidError
from laneguard.service.records import RecordsService
from laneguard.service.statistics import StatisticsService, to_csv
from laneguard.service.terminals import (
    EnrolmentLockedError,
    EnrolmentRefusedError,
    TerminalService,
)
from laneguard.service.zone_editor import UnknownCameraError, ZoneEditorService
from laneguard.simulation.source import SimulatedIncidentSource

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
BASIC_AUTH = HTTPBasic(auto_error=False, realm="LaneGuard")


@dataclass
class WebContext:
    station: str
    default_locale: str
    alerts: AlertService
    terminals: TerminalService
    stats: StatisticsService
    records: RecordsService
    ws_hub: WebSocketHub
    frames: FrameHub
    station_public_key: bytes
    mqtt: dict[str, Any] | None
    simulator: SimulatedIncidentSource | None
    cameras: list[str]
    health: Callable[[], dict[str, object]] = lambda: {}
    operator: tuple[str, str] | None = None
    zones: ZoneEditorService | None = None


class EnrolRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    public_key: str = Field(description="X25519 public key, 32 bytes, base64")
    code: str


class SimulateRequest(BaseModel):
    lane: str | None = None
    object_class: ObjectClass = ObjectClass.PEDESTRIAN


def _incident_json(r: IncidentRecord) -> dict[str, Any]:
    return {
        "incident_id": r.incident_id,
        "station": r.station,
        "camera": r.camera,
        "zone": r.zone,
        "lane": r.lane,
        "class": r.object_class.value,
        "opened_at": iso_z(r.opened_at),
        "ended_at": None if r.ended_at is None else iso_z(r.ended_at),
        "track": r.track_summary(),
        "outcome": None if r.outcome is None else r.outcome.value,
        "closed_by": r.closed_by,
        "clip": None if r.clip_path is None else f"/incidents/{r.incident_id}/clip.avi",
    }


def create_app(ctx: WebContext) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ctx.ws_hub.bind_loop(asyncio.get_running_loop())
        yield

    app = FastAPI(title="LaneGuard", lifespan=lifespan)

    @app.exception_handler(LaneGuardError)
    async def unavailable(_: Request, exc: LaneGuardError) -> JSONResponse:
        log.error("request failed: %s", exc)
        return JSONResponse({"detail": str(exc)}, status_code=503)

    templates = Jinja2Templates(directory=str(HERE / "templates"))

    def operator(
        credentials: Annotated[HTTPBasicCredentials | None, Depends(BASIC_AUTH)],
    ) -> None:
        """Records, snapshots and the live view are for the station's operators only (HTTP
        Basic, over HTTPS in production); terminals use their keys, not this."""
        if ctx.operator is None:
            return
        user, password = ctx.operator
        ok = credentials is not None and all(
            (
                hmac.compare_digest(credentials.username.encode(), user.encode()),
                hmac.compare_digest(credentials.password.encode(), password.encode()),
            )
        )
        if not ok:
            raise HTTPException(
                401,
                "operator login required",
                headers={"WWW-Authenticate": 'Basic realm="LaneGuard"'},
            )

    guarded = [Depends(operator)]
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(request: Request, name: str, **values: Any) -> HTMLResponse:
        locale = pick_locale(
            request.query_params.get("lang"), request.cookies.get("lg_lang"), ctx.default_locale
        )
        response = templates.TemplateResponse(
            request,
            name,
            {"t": translator(locale), "locale": locale, "station": ctx.station, **values},
        )
        if request.query_params.get("lang") == locale:
            response.set_cookie("lg_lang", locale, samesite="lax")
        return response

    def period(start: date | None, end: date | None) -> Period:
        today = datetime.now(ctx.stats.tz).date()
        end = end or today
        start = start or end - timedelta(days=29)
        try:
            return Period(start, end)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc

    @app.get("/", response_class=HTMLResponse, dependencies=guarded)
    def incidents_page(request: Request) -> HTMLResponse:
        return page(
            request,
            "incidents.html",
            incidents=ctx.records.recent(200),
            tz=ctx.stats.tz,
            can_simulate=ctx.simulator is not None,
        )

    @app.get("/api/incidents", dependencies=guarded)
    def incidents_api(limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
        return [_incident_json(r) for r in ctx.records.recent(limit)]

    @app.get("/incidents/{incident_id}/snapshot.jpg", dependencies=guarded)
    def snapshot(incident_id: str) -> Response:
        record = ctx.records.get(incident_id)
        if record is None or not record.snapshot_jpeg:
            raise HTTPException(404, f"incident_id={incident_id!r} has no snapshot")
        return Response(record.snapshot_jpeg, media_type="image/jpeg")

    @app.get("/incidents/{incident_id}/clip.avi", dependencies=guarded)
    def clip(incident_id: str) -> FileResponse:
        record = ctx.records.get(incident_id)
        if record is None or record.clip_path is None or not Path(record.clip_path).is_file():
            raise HTTPException(404, f"incident_id={incident_id!r} has no clip")
        return FileResponse(
            record.clip_path, media_type="video/x-msvideo", filename=f"{incident_id}.avi"
        )

    @app.get("/stats", response_class=HTMLResponse, dependencies=guarded)
    def stats_page(
        request: Request,
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
        by: Dimension = Dimension.DAY,
    ) -> HTMLResponse:
        p = period(start, end)
        locale = pick_locale(
            request.query_params.get("lang"), request.cookies.get("lg_lang"), ctx.default_locale
        )
        labels = translator(locale)
        rows = ctx.stats.rows(p, by)
        lanes = ctx.stats.rows(p, Dimension.LANE)
        classes = ctx.stats.rows(p, Dimension.CLASS)
        yoy = ctx.stats.year_over_year(p)
        total = yoy.current
        charts = [
            stacked_bars(rows, labels, f"{labels['incidents']} · {labels[by.value]}"),
            stacked_bars(lanes, labels, labels["lane"]),
            stacked_bars(classes, labels, labels["class"]),
        ]
        return page(
            request,
            "stats.html",
            rows=rows,
            by=by.value,
            period=p,
            total=total,
            yoy=yoy,
            charts=charts,
            rate=percent,
            dimensions=[d.value for d in Dimension],
        )

    @app.get("/api/stats", dependencies=guarded)
    def stats_api(
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
        by: Dimension = Dimension.DAY,
    ) -> dict[str, Any]:
        p = period(start, end)
        yoy = ctx.stats.year_over_year(p)
        return {
            "from": p.start.isoformat(),
            "to": p.end.isoformat(),
            "by": by.value,
            "rows": [r.to_dict() for r in ctx.stats.rows(p, by)],
            "total": yoy.current.to_dict(),
            "previous_year": yoy.previous.to_dict(),
            "incidents_change": yoy.incidents_change,
            "turned_back_change": yoy.turned_back_change,
        }

    @app.get("/stats.csv", dependencies=guarded)
    def stats_csv(
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
        by: Dimension = Dimension.DAY,
    ) -> Response:
        p = period(start, end)
        name = f"laneguard-{by.value}-{p.start}-{p.end}.csv"
        return Response(
            "\ufeff" + to_csv(ctx.stats.rows(p, by), by),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/terminal", response_class=HTMLResponse)
    def terminal_page(request: Request) -> HTMLResponse:
        return page(request, "terminal.html")

    @app.post("/api/terminals", status_code=201)
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
        except EnrolmentRefusedError as exc:
            raise HTTPException(403 if "code" in str(exc) else 422, str(exc)) from exc
        return {
            "terminal_id": terminal.terminal_id,
            "name": terminal.name,
            "station": ctx.station,
            "station_public_key": b64e(ctx.station_public_key),
            "mqtt": ctx.mqtt,
        }

    @app.post("/api/acks")
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
        return JSONResponse(_incident_json(record))

    @app.websocket("/ws/terminals/{terminal_id}")
    async def terminal_socket(websocket: WebSocket, terminal_id: str) -> None:
        if not await asyncio.to_thread(ctx.terminals.is_active, terminal_id):
            await websocket.close(code=4403, reason="terminal not enrolled or revoked")
            ctx.ws_hub.forget(terminal_id)
            return
        await websocket.accept()
        queue = ctx.ws_hub.subscribe(terminal_id)

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

    @app.post("/api/simulate", status_code=201, dependencies=guarded)
    def simulate(body: SimulateRequest) -> dict[str, str]:
        if ctx.simulator is None:
            raise HTTPException(404, "this station runs real cameras; simulation is off")
        try:
            event = ctx.simulator.trigger(body.lane, body.object_class)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        return {"incident_id": event.incident_id, "lane": event.lane}

    @app.get("/api/health", dependencies=guarded)
    def health() -> dict[str, object]:
        return ctx.health()

    @app.get("/live", response_class=HTMLResponse, dependencies=guarded)
    def live_page(request: Request) -> HTMLResponse:
        cameras = sorted(set(ctx.cameras) | set(ctx.frames.cameras()))
        states = ctx.health().get("cameras", {})
        return page(
            request, "live.html", cameras=cameras, states=states if isinstance(states, dict) else {}
        )

    @app.get("/live/{camera}.mjpg", dependencies=guarded)
    async def live_stream(camera: str) -> StreamingResponse:
        async def frames() -> AsyncIterator[bytes]:
            seq = 0
            while True:
                got = await asyncio.to_thread(ctx.frames.wait_newer, camera, seq, 5.0)
                if got is None or got[0] == seq:
                    continue
                seq, jpeg = got
                yield (
                    b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                    + str(len(jpeg)).encode()
                    + b"\r\n\r\n"
                    + jpeg
                    + b"\r\n"
                )

        return StreamingResponse(frames(), media_type="multipart/x-mixed-replace; boundary=frame")

    def editor() -> ZoneEditorService:
        if ctx.zones is None:
            raise HTTPException(404, "the zone editor is not set up on this station")
        return ctx.zones

    @app.get("/zones", response_class=HTMLResponse, dependencies=guarded)
    def zones_page(request: Request, camera: str | None = None) -> HTMLResponse:
        cameras = editor().cameras()
        locale = pick_locale(
            request.query_params.get("lang"), request.cookies.get("lg_lang"), ctx.default_locale
        )
        texts = {k: v for k, v in translator(locale).items() if k.startswith("ze_")}
        chosen = camera if camera in cameras else (cameras[0] if cameras else None)
        return page(request, "zones.html", cameras=cameras, camera=chosen, texts=texts)

    @app.get("/api/cameras/{camera}/zones", dependencies=guarded)
    def get_layout(camera: str) -> dict[str, object]:
        try:
            layout, origin = editor().layout(camera)
        except UnknownCameraError as exc:
            raise HTTPException(404, str(exc)) from exc
        return {"camera": camera, "origin": origin, "layout": layout}

    @app.put("/api/cameras/{camera}/zones", dependencies=guarded)
    async def put_layout(camera: str, request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            problem = {"field": "body", "value": None, "allowed": "a JSON object"}
            return JSONResponse({"detail": [problem]}, status_code=422)
        try:
            saved = await asyncio.to_thread(editor().save, camera, body)
        except UnknownCameraError as exc:
            raise HTTPException(404, str(exc)) from exc
        except LayoutInvalidError as exc:
            return JSONResponse({"detail": exc.problems}, status_code=422)
        applies = "now" if saved.live else "next_start"
        return JSONResponse({"camera": camera, "saved": saved.path, "applies": applies})

    @app.get("/api/cameras/{camera}/snapshot.jpg", dependencies=guarded)
    def camera_snapshot(camera: str) -> Response:
        latest = ctx.frames.latest(camera)
        if latest is None:
            raise HTTPException(404, f"camera={camera!r} has sent no frame yet")
        return Response(latest[1], media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    return app
