"""Live updates for a sample's page: a server-sent event stream that says when it changed.

The stream polls the sample's state (one primary-key read every ``live_poll_seconds``) rather
than listening to the message bus, so it works the same with several API workers and with
changes made by other processes (devices, the CLI). The page reloads itself on ``changed``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from samplehub.app.services import Services
from samplehub.core.domain.errors import NotFound
from samplehub.core.domain.permissions import Action
from samplehub.core.service import queries
from samplehub.core.service.commands import Actor
from samplehub.web.access import allow
from samplehub.web.context import page_context

router = APIRouter(include_in_schema=False, dependencies=[allow(Action.SAMPLES_READ)])
Reader = Callable[[], Awaitable[tuple[str, str, str] | None]]


async def changes(
    read: Reader, poll_seconds: float, max_seconds: float
) -> AsyncIterator[ServerSentEvent]:
    """``changed`` whenever what ``read`` returns differs from before; ``gone`` when it is gone."""
    last = await read()
    yield ServerSentEvent(comment="connected", retry=5000)
    for _ in range(max(1, int(max_seconds / poll_seconds))):
        await asyncio.sleep(poll_seconds)
        now = await read()
        if now is None:  # gone, or no longer visible: tell the page and stop
            yield ServerSentEvent("{}", event="gone")
            return
        if now != last:
            last = now
            data = json.dumps({"state": now[0], "location": now[1], "at": now[2]})
            yield ServerSentEvent(data, event="changed")


def _reader(services: Services, actor: Actor, number: str) -> Reader:
    def read_now() -> tuple[str, str, str] | None:
        try:
            sample = queries.get_sample(services.uow_factory, actor, number)
        except NotFound:
            return None
        at = sample.updated_at.isoformat() if sample.updated_at else ""
        return sample.state.value, str(sample.location), at

    async def read() -> tuple[str, str, str] | None:
        return await run_in_threadpool(read_now)

    return read


@router.get("/samples/{number}/events")
async def sample_events(request: Request, number: str) -> EventSourceResponse:
    ctx = page_context(request)
    if ctx.actor is None:
        raise NotFound("sample", number)
    state = ctx.state
    read = _reader(state.services, ctx.actor, number)
    if await read() is None:
        raise NotFound("sample", number)
    return EventSourceResponse(
        changes(read, state.live_poll_seconds, state.live_max_seconds),
        headers={"Cache-Control": "no-store"},
        ping=10 * state.live_poll_seconds,  # a comment line now and then keeps proxies open
    )
