"""Live fleet map: JSON snapshot, server-sent events of robot positions, and the SVG map page.

``make_router(source)`` returns an ``APIRouter``; the application mounts it and passes whatever
serves the fleet's read model (``FleetSupervisor`` in ``serve``, ``LiveFleet`` in ``simulate
live``).  Routes:

* ``GET /fleet/map``: the HTML page (inline SVG; its script and style at ``/fleet/map.js`` and
  ``/fleet/map.css``, files rather than inline so the app's Content-Security-Policy holds; no CDN)
  in the visitor's language (``?lang=``, else the language cookie); the words the script writes
  come with the page from the catalogue (``fleet.map_…``), as a JSON block,
* ``GET /api/fleet/snapshot``: site, robots, racks, tasks in flight, alerts,
* ``GET /api/fleet/events``: ``text/event-stream`` of positions (``?limit=N`` ends after N),
* ``GET /api/fleet/robots/{serial}``, ``/api/fleet/slots/{address}``,
  ``/api/fleet/racks/{node}``: what a robot or slot holds and its history (404 if unknown).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.reasons import reading
from samplehub.core.domain.timeline import TASK_KINDS
from samplehub.fleet.service.notes import NOTES, SEPARATOR
from samplehub.web.context import LANG_COOKIE, TEMPLATES
from samplehub.web.i18n import DEFAULT_LOCALE, LOCALES, Translator, pick_locale

WEB = Path(__file__).resolve().parents[1] / "web"
# what the map's script writes: its key -> catalogue message id
SCRIPT_TEXTS = {
    "robots": message_id("fleet.map_robots"),
    "done": message_id("fleet.map_completed"),
    "battery": message_id("fleet.map_battery"),
    "load": message_id("fleet.map_load"),
    "none": message_id("fleet.map_none"),
    "history": message_id("fleet.map_history"),
    "purpose": message_id("fleet.map_status"),
    "route": message_id("fleet.map_route"),
    "empty": message_id("fleet.map_empty"),
    "stopped": message_id("fleet.map_emergency_stop"),
    # a robot's state, by ``Purpose``
    "idle": message_id("fleet.purpose_idle"),
    "task": message_id("fleet.purpose_task"),
    "charge": message_id("fleet.purpose_charge"),
    "charging": message_id("fleet.purpose_charging"),
    "park": message_id("fleet.purpose_park"),
    "offline": message_id("fleet.purpose_offline"),
    "failed": message_id("fleet.purpose_failed"),
}
ASSETS = {  # served by the router itself, so the standalone map needs no /static mount
    "map.js": (WEB / "static" / "fleet_map.js", "text/javascript; charset=utf-8"),
    "map.css": (WEB / "static" / "fleet_map.css", "text/css; charset=utf-8"),
}


JOB_LABELS = {  # the fleet's task kinds, named as the records' kinds are
    "put_away": TASK_KINDS["put_away"],
    "lab_delivery": TASK_KINDS["to_bench"],
    "return": TASK_KINDS["return"],
    "staging": TASK_KINDS["to_locker"],
    "relocation": TASK_KINDS["relocate"],
}


def note_text(t: Translator, text: str) -> str:
    """A note of a robot's history in ``t``'s language (``fleet/service/notes.py``), each task
    of a trip worded; one that is none of the notes as written."""
    return SEPARATOR.join(_note_part(t, part) for part in text.split(SEPARATOR))


def _note_part(t: Translator, text: str) -> str:
    message = reading(text, NOTES)
    if message is None:
        return text
    values = dict(message.params)
    if "job" in values:
        values["job"] = t.label(JOB_LABELS, values["job"])
    return t.message(Message(message.id, values))


def worded(t: Translator, alert: Mapping[str, Any]) -> dict[str, Any]:
    """A snapshot's alert (message id and values) with its words in ``t``'s language."""
    values = dict(alert["values"])
    if "reason" in values:  # a reason the system writes, worded too
        values["reason"] = t.reason(values["reason"])
    message = Message(alert["id"], values)
    return {"code": alert["id"], "message": t.message(message), "time": alert["time"]}


def map_page(asked_locale: str | None) -> str:
    """The map page in the asked locale (zh-CN unless English is asked for)."""
    t = Translator(pick_locale(asked_locale, DEFAULT_LOCALE))
    texts = {key: t(msgid) for key, msgid in SCRIPT_TEXTS.items()}
    other = next(locale for locale in LOCALES if locale != t.locale)
    page = TEMPLATES.env.get_template("fleet_map.html")
    return page.render(t=t, texts=texts, other_locale=other)


class FleetSource(Protocol):
    def snapshot(self) -> dict[str, Any]: ...

    def positions(self) -> dict[str, Any]: ...

    def robot(self, serial: str) -> dict[str, Any]: ...

    def slot(self, address: str) -> dict[str, Any]: ...

    def rack(self, node: str) -> list[dict[str, Any]]: ...


def make_router(
    source: FleetSource, interval_s: float = 0.5, dependencies: Sequence[Any] = ()
) -> APIRouter:
    """``dependencies`` guard every route (the main app passes its staff-only check)."""
    router = APIRouter(tags=["fleet"], dependencies=list(dependencies))

    @router.get("/fleet/map", response_class=HTMLResponse)
    def fleet_map(request: Request, lang: str | None = None) -> HTMLResponse:
        return HTMLResponse(map_page(lang or request.cookies.get(LANG_COOKIE)))

    @router.get("/fleet/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in ASSETS:
            raise HTTPException(status_code=404, detail=f"no fleet map asset {name}")
        path, media_type = ASSETS[name]
        return Response(path.read_bytes(), media_type=media_type)

    def visitor(request: Request, lang: str | None) -> Translator:
        """The visitor's language: ``?lang=``, else the cookie, else zh-CN."""
        return Translator(pick_locale(lang or request.cookies.get(LANG_COOKIE), DEFAULT_LOCALE))

    @router.get("/api/fleet/snapshot")
    def snapshot(request: Request, lang: str | None = None) -> dict[str, Any]:
        """The alerts worded in the visitor's language."""
        t = visitor(request, lang)
        snap = source.snapshot()
        return snap | {"alerts": [worded(t, a) for a in snap.get("alerts", [])]}

    @router.get("/api/fleet/events")
    async def events(limit: int | None = Query(None, ge=1, le=100_000)) -> EventSourceResponse:
        async def stream() -> AsyncIterator[ServerSentEvent]:
            sent = 0
            while limit is None or sent < limit:
                yield ServerSentEvent(json.dumps(source.positions()), event="positions")
                sent += 1
                await asyncio.sleep(interval_s)

        # sse-starlette ends the stream when the client goes away
        return EventSourceResponse(stream(), headers={"Cache-Control": "no-cache"})

    def found(call: Any, *args: str) -> Any:
        try:
            return call(*args)
        except LookupError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None

    @router.get("/api/fleet/robots/{serial}")
    def robot(request: Request, serial: str, lang: str | None = None) -> dict[str, Any]:
        """The robot, its history worded in the visitor's language."""
        t = visitor(request, lang)
        details = dict(found(source.robot, serial))
        history = details.get("history", [])
        return details | {"history": [h | {"text": note_text(t, h["text"])} for h in history]}

    @router.get("/api/fleet/slots/{address}")
    def slot(address: str) -> dict[str, Any]:
        return dict(found(source.slot, address))

    @router.get("/api/fleet/racks/{node}")
    def rack(node: str) -> list[dict[str, Any]]:
        slots = found(source.rack, node)
        if not slots:
            raise HTTPException(status_code=404, detail=f"no rack is served from node {node!r}")
        return list(slots)

    return router
