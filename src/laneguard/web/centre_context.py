"""What the centre's route modules share: its services (`CentreContext`) and the page
renderer, the station's machinery (templates, guard, language) over the centre's context."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from laneguard.access.domain.users import Action
from laneguard.access.service.users import UserService
from laneguard.centre.service.centre import CentreService
from laneguard.records.service.statistics import StatisticsService
from laneguard.web.auth import Guard
from laneguard.web.context import HERE, Pages
from laneguard.web.i18n import CLASSES, DIMENSIONS, OUTCOMES, Translator, install, pick_locale


@dataclass
class CentreContext:
    name: str
    default_locale: str
    centre: CentreService
    stats: StatisticsService
    users: UserService
    link_up: Callable[[], bool] = lambda: False
    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    secure_cookie: bool = False
    session_hours: float = 12
    max_body_bytes: int = 65_536


class CentrePages(Pages):
    """The station's page machinery (templates, guard, language) for the centre's context."""

    def __init__(self, ctx: CentreContext) -> None:
        self.centre_ctx = ctx
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        install(self.templates.env)
        self.guard = Guard(ctx.users, ctx.session_secret, ctx.secure_cookie, ctx.session_hours)
        self.view = [self.guard.need(Action.VIEW)]
        self.change = [self.guard.need(Action.CHANGE)]

    def locale(self, request: Request) -> str:
        return pick_locale(
            request.query_params.get("lang"),
            request.cookies.get("lg_lang"),
            self.centre_ctx.default_locale,
        )

    def page(self, request: Request, name: str, **values: Any) -> HTMLResponse:
        locale = self.locale(request)
        response = self.templates.TemplateResponse(
            request,
            name,
            {
                "t": Translator(locale),
                "locale": locale,
                "station": self.centre_ctx.name,
                "centre": True,
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
