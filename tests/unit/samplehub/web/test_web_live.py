"""Live updates: the event stream says when a sample changed, and only to those who may see it."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from sse_starlette import ServerSentEvent

from samplehub.web.live import changes

Login = Callable[[str], TestClient]


def _collect(values: list[tuple[str, str, str] | None]) -> list[ServerSentEvent]:
    remaining = list(values)

    async def read() -> tuple[str, str, str] | None:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    async def run() -> list[ServerSentEvent]:
        return [e async for e in changes(read, 0.001, 0.001 * (len(values) + 1))]

    return asyncio.run(run())


def test_a_change_of_state_is_announced_once() -> None:
    a = ("stored", "storage_slot:A-1", "t1")
    b = ("in_transit", "robot:AMR-01", "t2")
    events = _collect([a, a, b, b, b])
    changed = [e for e in events if e.event == "changed"]
    assert len(changed) == 1
    assert json.loads(changed[0].data)["state"] == "in_transit"
    assert events[0].retry == 5000


def test_a_sample_that_disappears_ends_the_stream() -> None:
    a = ("stored", "storage_slot:A-1", "t1")
    events = _collect([a, a, None, a])
    assert events[-1].event == "gone"


def test_the_stream_answers_only_those_who_may_see_the_sample(
    client: TestClient, browser_login: Login, made: dict[str, str]
) -> None:
    state = client.app.state.samplehub  # type: ignore[attr-defined]
    client.app.state.samplehub = dataclasses.replace(  # type: ignore[attr-defined]
        state, live_poll_seconds=0.01, live_max_seconds=0.03
    )
    path = f"/samples/{made['sample_a1']}/events"
    anonymous = client.get(path, follow_redirects=False)
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/login")
    browser_login("cust-b")
    assert client.get(path).status_code == 404
    browser_login("cust-a")
    with client.stream("GET", path) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        assert "retry: 5000" in answer.read().decode()


def test_quiet_streams_send_keep_alives(
    client: TestClient, browser_login: Login, made: dict[str, str]
) -> None:
    state = client.app.state.samplehub  # type: ignore[attr-defined]
    client.app.state.samplehub = dataclasses.replace(  # type: ignore[attr-defined]
        state, live_poll_seconds=0.01, live_max_seconds=0.35
    )
    browser_login("cust-a")
    with client.stream("GET", f"/samples/{made['sample_a1']}/events") as answer:
        body = answer.read().decode()
    assert ": ping" in body  # every ten polls
    assert "event: changed" not in body
