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
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from samplehub.app.services import Services
from samplehub.core.domain.errors import NotFound
from samplehub.core.service import queries
from samplehub.core.service.commands import Actor
from samplehub.web.context import page_context

router = APIRouter(include_in_schema=False)
Reader = Callable[[], Awaitable[tuple[str, str, str] | None]]


async def changes(
    read: Reader, poll_seconds: float, max_seconds: float, keepalive_every: int = 10
) -> AsyncIterator[str]:
    """Server-sent events: ``changed`` whenever what ``read`` returns differs from before."""
    last = await read()
    yield "retry: 5000\n\n"
    polls = max(1, int(max_seconds / poll_seconds))
    for poll in range(1, polls + 1):
        await asyncio.sleep(poll_seconds)
        now = await read()
        if now is None:  # gone, or no longer visible: tell the page and stop
            yield "event: gone\ndata: {}\n\n"
            return
        if now != last:
            last = now
            data = json.dumps({"state": now[0], "location": now[1], "at": now[2]})
            yield f"event: changed\ndata: {data}\n\n"
        elif poll % keepalive_every == 0:
            yield ": keep-alive\n\n"


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
async def sample_events(request: Request, number: str) -> StreamingResponse:
    ctx = page_context(request)
    if ctx.actor is None:
        raise NotFound("sample", number)
    state = ctx.state
    read = _reader(state.services, ctx.actor, number)
    if await read() is None:
        raise NotFound("sample", number)
    return StreamingResponse(
        changes(read, state.live_poll_seconds, state.live_max_seconds),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
