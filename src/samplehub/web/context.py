"""Per-request page context: who is logged in (session cookie), the locale, the CSRF token."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from samplehub.core.domain.permissions import Action, may
from samplehub.core.service.commands import Actor
from samplehub.storage.domain.capacity import Use, may_see_storage
from samplehub.storage.service import queries as storage_queries
from samplehub.web.i18n import Translator, install, pick_locale
from samplehub.web.security import csrf_ok, csrf_token, new_nonce
from samplehub.web.sessions import session_of
from samplehub.web.state import AppState

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
install(TEMPLATES.env)


def _may(actor: Actor | None, action: str) -> bool:
    """``may(actor, "orders.read")`` in templates: navigation follows the permission table."""
    return actor is not None and may(actor.role, Action(action))


TEMPLATES.env.globals["may"] = _may
CSRF_COOKIE = "sh_csrf"
LANG_COOKIE = "sh_lang"


@dataclass
class PageContext:
    """What every page needs; ``finish`` writes back the cookies this request decided on."""

    request: Request
    state: AppState
    actor: Actor | None
    t: Translator
    csrf_nonce: str
    set_nonce: bool
    set_lang: str | None

    @property
    def csrf(self) -> str:
        return csrf_token(self.state.settings.secret_key, self.csrf_nonce)

    def csrf_valid(self, token: str) -> bool:
        nonce = self.request.cookies.get(CSRF_COOKIE)
        return csrf_ok(self.state.settings.secret_key, nonce, token)

    def render(self, template: str, status_code: int = 200, **values: Any) -> Response:
        values |= {"actor": self.actor, "t": self.t, "csrf": self.csrf}
        values.setdefault("storage_warnings", self.storage_warnings())
        response = TEMPLATES.TemplateResponse(self.request, template, values, status_code)
        return self.finish(response)

    def storage_warnings(self) -> list[Use]:
        """Capacity warnings for the banner of staff who may see storage; a failing read is
        logged and the page shown without them."""
        if self.actor is None or not may_see_storage(self.actor.role):
            return []
        try:
            levels = self.state.settings.storage.warning_levels
            found: list[Use] = self.state.storage_banner.get(
                self.state.settings.status_cache_seconds,
                lambda: storage_queries.warnings(self.state.services.uow_factory, levels),
            )
            return found
        except Exception:
            log.exception("storage warnings could not be read for the banner")
            return []

    @property
    def cookie_secure(self) -> bool:
        """Secure on cookies: as configured (``secure_cookies``), else when the request came
        over https, directly or as a trusted proxy's X-Forwarded-Proto says
        (``trusted_proxies``)."""
        configured = self.state.settings.secure_cookies
        return self.request.url.scheme == "https" if configured is None else configured

    def finish(self, response: Response) -> Response:
        secure = self.cookie_secure
        if self.set_nonce:
            response.set_cookie(
                CSRF_COOKIE, self.csrf_nonce, httponly=True, samesite="lax", secure=secure
            )
        if self.set_lang:
            response.set_cookie(
                LANG_COOKIE, self.set_lang, max_age=365 * 86400, samesite="lax", secure=secure
            )
        return response


def page_context(request: Request) -> PageContext:
    state: AppState = request.app.state.samplehub
    asked_lang = request.query_params.get("lang")
    locale = pick_locale(
        asked_lang or request.cookies.get(LANG_COOKIE), state.settings.default_locale
    )
    actor = session_of(state, request)
    nonce = request.cookies.get(CSRF_COOKIE)
    return PageContext(
        request=request,
        state=state,
        actor=actor,
        t=Translator(locale),
        csrf_nonce=nonce or new_nonce(),
        set_nonce=not nonce,
        set_lang=locale if asked_lang else None,
    )


Page = Annotated[PageContext, Depends(page_context)]
"""A page handler's context, as a typed dependency."""
FormText = Annotated[str, Form()]
FormVersion = Annotated[int | None, Form(ge=0, le=2**31)]  # the version the page was loaded at
