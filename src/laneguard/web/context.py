"""What the web app's route modules share: the services they are given (`WebContext`), the
page renderer in the visitor's language, and the guard every route declares its action with."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from laneguard.access.domain.users import Action
from laneguard.access.service.users import UserService
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
from laneguard.web.auth import Guard
from laneguard.web.i18n import CLASSES, DIMENSIONS, OUTCOMES, Translator, install, pick_locale

HERE = Path(__file__).parent


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
    zones: ZoneEditorService | None = None
    users: UserService | None = None  # required: the web UI has no anonymous mode
    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    secure_cookie: bool = False
    session_hours: float = 12
    max_body_bytes: int = 65_536
    station_key_fingerprint: str = ""


def incident_fields(r: IncidentRecord) -> dict[str, Any]:
    """What a station's and the centre's incident JSON both say of `r`."""
    return {
        "incident_id": r.incident_id,
        "station": r.station,
        "camera": r.camera,
        "lane": r.lane,
        "class": r.object_class.value,
        "opened_at": iso_z(r.opened_at),
        "ended_at": None if r.ended_at is None else iso_z(r.ended_at),
        "outcome": None if r.outcome is None else r.outcome.value,
        "closed_by": r.closed_by,
    }


def incident_json(r: IncidentRecord) -> dict[str, Any]:
    return {
        **incident_fields(r),
        "zone": r.zone,
        "track": r.track_summary(),
        "clip": None if r.clip_path is None else f"/incidents/{r.incident_id}/clip.avi",
    }


class Site(Protocol):
    """The settings a station's or the centre's context gives its pages."""

    default_locale: str
    session_secret: bytes
    secure_cookie: bool
    session_hours: float


class SitePages:
    """One app's templates, its guard (`view` and `change`, for a route's `dependencies`), and
    pages rendered in the visitor's language (zh-CN default, `?lang=en` switches). `shared`
    goes to every page (the station's or the centre's name, and whether it is the centre)."""

    def __init__(self, site: Site, users: UserService, **shared: Any) -> None:
        self.default_locale = site.default_locale
        self.shared = shared
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        install(self.templates.env)
        self.guard = Guard(users, site.session_secret, site.secure_cookie, site.session_hours)
        self.view = [self.guard.need(Action.VIEW)]
        self.change = [self.guard.need(Action.CHANGE)]

    def locale(self, request: Request) -> str:
        return pick_locale(
            request.query_params.get("lang"),
            request.cookies.get("lg_lang"),
            self.default_locale,
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
                **self.shared,
                "classes": CLASSES,
                "outcomes": OUTCOMES,
                "dimensions_labels": DIMENSIONS,
                "session": getattr(request.state, "session", None),
                **values,
            },
        )
        if request.query_params.get("lang") == locale:
            response.set_cookie("lg_lang", locale, samesite="lax")
        return response


class Pages(SitePages):
    """A station's pages over its `WebContext`."""

    def __init__(self, ctx: WebContext) -> None:
        if ctx.users is None:
            raise ValueError("WebContext.users is required: the web UI has no anonymous mode")
        self.ctx = ctx
        super().__init__(ctx, ctx.users, station=ctx.station)
