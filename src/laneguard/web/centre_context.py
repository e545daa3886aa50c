"""What the centre's route modules share: its services (`CentreContext`) and the page
renderer, the station's machinery (templates, guard, language) over the centre's context."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from laneguard.access.service.users import UserService
from laneguard.centre.service.centre import CentreService
from laneguard.records.service.statistics import StatisticsService
from laneguard.web.context import SitePages


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


class CentrePages(SitePages):
    """The station's page machinery (templates, guard, language) for the centre's context."""

    def __init__(self, ctx: CentreContext) -> None:
        self.centre_ctx = ctx
        super().__init__(ctx, ctx.users, station=ctx.name, centre=True)
