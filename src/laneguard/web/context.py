"""What the web app's route modules share: the services they are given (`WebContext`), the
page renderer in the visitor's language, and the operator login that guards records, snapshots
and the live view."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from fastapi.templating import Jinja2Templates

from laneguard.alerting.adapters.hubs import WebSocketHub
from laneguard.alerting.domain.alerts import iso_z
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.domain.records import IncidentRecord
from laneguard.detection.adapters.frame_hub import FrameHub
from laneguard.detection.service.zone_editor import ZoneEditorService
from laneguard.records.service.records import RecordsService
from laneguard.records.service.statistics import StatisticsService
from laneguard.simulation.source import SimulatedIncidentSource
from laneguard.web.i18n import CLASSES, DIMENSIONS, OUTCOMES, Translator, install, pick_locale

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


def incident_json(r: IncidentRecord) -> dict[str, Any]:
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


class Pages:
    """One app's templates, its operator guard (`guarded`, for a route's `dependencies`), and
    pages rendered in the visitor's language (zh-CN default, `?lang=en` switches)."""

    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        install(self.templates.env)

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

        self.guarded = [Depends(operator)]

    def locale(self, request: Request) -> str:
        return pick_locale(
            request.query_params.get("lang"),
            request.cookies.get("lg_lang"),
            self.ctx.default_locale,
        )

    def translator(self, request: Request) -> Translator:
        return Translator(self.locale(request))

    def page(self, request: Request, name: str, **values: Any) -> HTMLResponse:
        locale = self.locale(request)
        response = self.templates.TemplateResponse(
            request,
            name,
            {
                "t": Translator(locale),
                "locale": locale,
                "station": self.ctx.station,
                "classes": CLASSES,
                "outcomes": OUTCOMES,
                "dimensions_labels": DIMENSIONS,
                **values,
            },
        )
        if request.query_params.get("lang") == locale:
            response.set_cookie("lg_lang", locale, samesite="lax")
        return response
