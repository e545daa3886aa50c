"""The live-map router over a running simulation: snapshot, SSE, details, 404s, the page."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
import pytest
from fastapi import FastAPI

from samplehub.core.domain.reasons import Reason
from samplehub.fleet.api import make_router, note_text, worded
from samplehub.fleet.service import notes
from samplehub.fleet.service.robots import Purpose
from samplehub.simulation.live import LiveFleet
from samplehub.web.i18n import Translator
from tests.unit.samplehub.fleet.fakes import quiet_sim


class Client:
    """Synchronous calls into the ASGI app through httpx's ASGI transport."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, url: str) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                response = await http.get(url)
                await response.aread()
                return response

        return asyncio.run(call())


def client() -> tuple[Client, LiveFleet]:
    sim = quiet_sim(robots=2, seed=1)
    sim.storage.put_away("3414000000000000000000C1", "S", 3600, sim.clock.t)
    for _ in range(120):
        sim.step()
    fleet = LiveFleet(sim)
    app = FastAPI()
    app.include_router(make_router(fleet, interval_s=0.01))
    return Client(app), fleet


def test_snapshot_has_site_robots_racks_and_tasks() -> None:
    http, _ = client()
    snap = http.get("/api/fleet/snapshot").json()
    assert {n["kind"] for n in snap["site"]["nodes"]} >= {"intake", "rack_access", "parking"}
    assert [r["serial"] for r in snap["robots"]] == ["R01", "R02"]
    assert len(snap["racks"]) == 4
    assert snap["in_flight"][0]["load"] == "3414000000000000000000C1"


def test_events_stream_positions_as_server_sent_events() -> None:
    http, _ = client()
    response = http.get("/api/fleet/events?limit=2")
    assert response.headers["content-type"].startswith("text/event-stream")
    body = response.text
    frames = [f for f in re.split(r"\r?\n\r?\n", body) if f]  # SSE allows CRLF or LF
    assert len(frames) == 2
    assert frames[0].startswith("event: positions")
    data = json.loads(frames[0].split("data: ", 1)[1])
    assert {"serial", "x", "y", "load", "route"} <= set(data["robots"][0])


def test_robot_and_slot_details_and_clear_404s() -> None:
    http, fleet = client()
    robot = http.get("/api/fleet/robots/R01").json()
    assert robot["history"]
    address = next(iter(fleet.sim.warehouse.slots))
    assert http.get(f"/api/fleet/slots/{address}").json()["address"] == address
    assert len(http.get("/api/fleet/racks/RA1").json()) > 10
    missing = http.get("/api/fleet/robots/R99")
    assert missing.status_code == 404
    assert "R99" in missing.json()["detail"]
    assert http.get("/api/fleet/slots/Z-99-9-99").status_code == 404
    assert http.get("/api/fleet/racks/S0_1").status_code == 404


def test_map_page_is_self_contained_and_localised() -> None:
    http, _ = client()
    page = http.get("/fleet/map").text
    assert '<html lang="zh-CN">' in page
    assert "<svg" in page
    script = http.get("/fleet/map.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "EventSource" in script.text
    assert http.get("/fleet/map.css").headers["content-type"].startswith("text/css")
    assert http.get("/fleet/other.js").status_code == 404
    for text in (page, script.text):
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert '<html lang="en">' in http.get("/fleet/map?lang=en").text


def _texts(page: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="fleet-texts">(.*?)</script>', page)
    assert found, "the page hands the script no texts"
    texts: dict[str, str] = json.loads(found.group(1))
    return texts


def test_the_script_gets_its_words_from_the_page_in_the_visitors_language() -> None:
    http, _ = client()
    zh, en = http.get("/fleet/map").text, http.get("/fleet/map?lang=en").text
    assert (_texts(zh)["battery"], _texts(en)["battery"]) == ("电量", "Battery")
    assert "<h1>样品机器人车队 · 实时地图</h1>" in zh
    assert '<a id="lang" href="?lang=en">English</a>' in zh
    assert "<h1>Sample robot fleet · live map</h1>" in en
    script = http.get("/fleet/map.js").text
    assert "zh-CN" not in script
    assert not re.search(r"[\u4e00-\u9fff]", script), "the script holds no language table"


def test_the_map_names_each_robot_state_in_the_visitors_language() -> None:
    http, _ = client()
    zh, en = _texts(http.get("/fleet/map").text), _texts(http.get("/fleet/map?lang=en").text)
    for purpose in Purpose:
        assert re.fullmatch(r"[\u4e00-\u9fff]+", zh[purpose.value]), purpose
        assert re.fullmatch(r"[a-z ]+", en[purpose.value]), purpose
    assert (zh["task"], en["task"]) == ("执行任务", "on a task")
    assert (zh["stopped"], en["stopped"]) == (
        "急停，待人工解除",
        "emergency stop, to be released by a person",
    )
    assert "stateText(r)" in http.get("/fleet/map.js").text


def test_the_map_words_the_fleet_s_alerts_in_the_visitors_language() -> None:
    http, live = client()
    robot = next(r for r in live.sim.robots if r.serial == "R01")
    robot.faults.e_stop = "REMOTE"
    for _ in range(10):
        live.sim.step()
    node = live.sim.fleet.robots["R01"].node
    zh = http.get("/api/fleet/snapshot").json()["alerts"]
    en = http.get("/api/fleet/snapshot?lang=en").json()["alerts"]
    assert [a["message"] for a in zh] == [f"机器人 R01 在 {node} 急停（REMOTE）；解除后继续原任务"]
    assert [a["message"] for a in en] == [
        f"robot R01 stands on its emergency stop (REMOTE) at {node}; "
        "it goes on once the stop is released"
    ]
    assert zh[0]["code"] == "fleet.alert_emergency_stop"
    assert "?lang=" in http.get("/fleet/map.js").text  # the script asks in the page's language


def test_a_failed_task_s_alert_words_its_reason_too() -> None:
    alert = {
        "id": "fleet.alert_task_failed",
        "values": {"task": "TT000003", "reason": "robot R02 lost before pick-up (attempt 3 of 3)"},
        "time": 0.0,
    }
    assert worded(Translator("zh-CN"), alert)["message"] == (
        "任务 TT000003 多次重试后失败（机器人 R02 在取样前失联（第 3 次，共 3 次））；"
        "样品已挂起待处理"
    )


@pytest.mark.parametrize("note", notes.NOTES, ids=lambda n: n.msgid)
def test_every_note_of_a_robot_s_history_is_worded_in_chinese(note: Reason) -> None:
    values = {
        name: {"job": "staging", "task": "TT000012", "node": "RA3", "reason": "charged"}.get(
            name, "X1"
        )
        for name in re.findall(r"\{(\w+)\}", note.text)
    }
    zh = note_text(Translator("zh-CN"), note(**values))
    assert re.search(r"[\u4e00-\u9fff]", zh), (note.msgid, zh)
    assert note_text(Translator("en"), "a note no table knows") == "a note no table knows"


def test_a_trip_of_several_tasks_is_worded_task_by_task() -> None:
    trip = notes.SEPARATOR.join(
        notes.TRIP(task=f"TT00001{n}", job="staging", sample=f"S{n}") for n in (1, 2)
    )
    zh = note_text(Translator("zh-CN"), trip).split(notes.SEPARATOR)
    assert len(zh) == 2
    assert all("TT00001" in part and re.search(r"[\u4e00-\u9fff]", part) for part in zh), zh
    assert "task" not in " ".join(zh)


def test_a_robot_s_history_comes_in_the_visitor_s_language() -> None:
    http, _ = client()
    zh = http.get("/api/fleet/robots/R01").json()["history"]
    en = http.get("/api/fleet/robots/R01?lang=en").json()["history"]
    assert any(h["text"].startswith("在 P") and h["text"].endswith(" 同步") for h in zh), zh
    assert any(h["text"].startswith("synchronised at P") for h in en), en
    assert "+ LANG" in http.get("/fleet/map.js").text  # the script asks in the page's language
