"""The /tasks page and /api/tasks over the memory store: a person carries a put-away by hand,
wrong scans are refused, who may see, carry, cancel and re-route."""

from __future__ import annotations

import html
from collections.abc import Callable

from fastapi.testclient import TestClient

from samplehub.core.adapters.memory import MemoryStore
from samplehub.core.domain.epc import giai_for_sample
from samplehub.core.domain.transport import TransportTask
from samplehub.web.i18n import translate

Csrf = Callable[[str], str]
Login = Callable[[str], TestClient]
Headers = dict[str, str]


def _tasks(store: MemoryStore) -> dict[str, TransportTask]:
    return store.table("transport_tasks")


def _put_away(store: MemoryStore, number: str) -> str:
    [task] = [t for t in _tasks(store).values() if t.sample_number == number and t.is_open]
    return task.id


def test_a_person_carries_a_put_away_by_scanning_both_ends(
    client: TestClient,
    login: Callable[[str], Headers],
    made: dict[str, str],
    web_store: MemoryStore,
) -> None:
    number = made["sample_a2"]  # received at the kiosk: its put-away task waits
    task_id = _put_away(web_store, number)
    staff = login("warehouse")
    board = client.get("/api/tasks", headers=staff).json()
    [row] = [r for r in board["open"] if r["id"] == task_id]
    assert (row["kind"], row["source"], row["target"]) == (
        "put_away",
        "intake_platform:K1",
        "storage_slot:*",
    )
    assert board["by_kind"]["put_away"] >= 1
    assert board["by_carrier"]["-"] >= 1

    def step(**body: str) -> tuple[int, dict[str, object]]:
        answer = client.post(f"/api/tasks/{task_id}/advance", json=body, headers=staff)
        return answer.status_code, answer.json()

    assert step(action="claim")[1]["carrier"] == "staff:warehouse"
    status, refused = step(action="pick_up", scan=made["sample_a1"])
    assert status == 422
    assert "wrong sample" in str(refused["message"])
    assert _tasks(web_store)[task_id].state.value == "assigned"  # nothing changed
    epc = giai_for_sample(number, "0614141").to_hex()
    assert step(action="pick_up", scan=epc)[1]["state"] == "carrying"
    assert str(web_store.samples[number].location) == "staff:warehouse"
    status, refused = step(action="deliver", scan=number)
    assert status == 422
    assert refused["field"] == "place"
    done = step(action="deliver", scan=number, place="A-01-1-07")[1]
    assert (done["state"], done["confirmation"], done["target"]) == (
        "done",
        "scan",
        "storage_slot:A-01-1-07",
    )
    sample = web_store.samples[number]
    assert (sample.state.value, str(sample.location)) == ("stored", "storage_slot:A-01-1-07")
    timeline = client.get(f"/api/samples/{number}/timeline", headers=staff).json()
    carried = [e for e in timeline if e.get("task") == task_id]
    assert [e["carrier"] for e in carried][-1] == "staff:warehouse"
    assert "入库上架" in carried[-1]["title_zh"]


def test_who_may_see_carry_cancel_and_reroute(
    client: TestClient,
    login: Callable[[str], Headers],
    made: dict[str, str],
    web_store: MemoryStore,
) -> None:
    task_id = _put_away(web_store, made["sample_a2"])
    for outsider in ("kiosk", "cust-a"):
        assert client.get("/api/tasks", headers=login(outsider)).status_code == 403
    lab = login("lab")
    assert client.get("/api/tasks", headers=lab).status_code == 200
    claim = client.post(f"/api/tasks/{task_id}/advance", json={"action": "claim"}, headers=lab)
    assert claim.status_code == 403  # lab staff carry to and from their benches only
    cancel = {"reason": "sample taken back by the customer"}
    assert client.post(f"/api/tasks/{task_id}/cancel", json=cancel, headers=lab).status_code == 403
    staff = login("warehouse")
    moved = client.post(
        f"/api/tasks/{task_id}/reroute",
        json={"target": "storage_slot:B-01-1-01", "reason": "rack A closed"},
        headers=staff,
    ).json()
    assert (moved["target"], moved["reason"]) == ("storage_slot:B-01-1-01", "rack A closed")
    gone = client.post(f"/api/tasks/{task_id}/cancel", json=cancel, headers=staff).json()
    assert (gone["state"], gone["reason"]) == ("cancelled", cancel["reason"])
    schema = client.get("/openapi.json").json()["paths"]
    assert schema["/api/tasks/{task_id}/cancel"]["post"]["x-roles"] == ["warehouse", "admin"]


def test_the_page_lists_the_pick_list_in_chinese_and_carries_by_hand(
    browser_login: Login, made: dict[str, str], csrf_of: Csrf, web_store: MemoryStore
) -> None:
    number = made["sample_a2"]
    task_id = _put_away(web_store, number)
    client = browser_login("warehouse")
    page = client.get("/tasks")
    assert page.status_code == 200
    assert "待办任务（拣货单）" in page.text
    assert "入库上架" in page.text
    assert f'href="/samples/{number}"' in page.text
    assert "送样平台" in page.text  # from the intake platform
    answer = client.post(
        f"/tasks/{task_id}/step", data={"action": "claim", "csrf": csrf_of(page.text)}
    )
    assert "任务已认领" in answer.text
    wrong = client.post(
        f"/tasks/{task_id}/step",
        data={"action": "pick_up", "scan": made["sample_a1"], "csrf": csrf_of(answer.text)},
    )
    assert wrong.status_code == 422
    said = translate(
        "zh-CN",
        "web.invalid_value",
        {
            "field": "扫描",
            "value": repr(made["sample_a1"]),
            "allowed": f"样品 {number} 的标签或 RFID 标签（扫到的不是这件样品）",
        },
    )
    assert said in html.unescape(wrong.text)
    assert "wrong sample" not in wrong.text
    assert _tasks(web_store)[task_id].state.value == "assigned"
    english = client.get("/tasks?lang=en")
    assert "Open tasks (pick list)" in english.text


def test_the_page_is_for_staff_who_carry(browser_login: Login) -> None:
    assert browser_login("kiosk").get("/tasks").status_code == 403
    assert browser_login("cust-a").get("/tasks").status_code == 403
