"""The /flow page of flow figures: a put-away carried by hand and a staged booking show up on
the China day they ended, in the visitor's language, as a chart and as CSV; who may see it;
bad days named."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import cast

import pytest
from fastapi.testclient import TestClient

from samplehub.app.services import Services
from samplehub.core.adapters.memory import FixedClock, MemoryStore
from samplehub.core.domain import flow
from samplehub.core.domain.epc import giai_for_sample
from samplehub.core.domain.locations import Location, LocationKind
from samplehub.core.domain.transport import TransportTask
from samplehub.pickup.domain.booking import Booking
from samplehub.pickup.domain.capacity import CompartmentSize, PickupWindow
from samplehub.web.flow_pages import chart
from samplehub.web.i18n import SHANGHAI

Headers = dict[str, str]


def _carry_put_away(
    client: TestClient, staff: Headers, store: MemoryStore, clock: FixedClock, number: str
) -> None:
    """The put-away of ``number`` carried by hand, done 150 s after it was created."""
    tasks: dict[str, TransportTask] = store.table("transport_tasks")
    [task] = [t for t in tasks.values() if t.sample_number == number and t.is_open]
    epc = giai_for_sample(number, "0614141").to_hex()
    for body in ({"action": "claim"}, {"action": "pick_up", "scan": epc}):
        assert client.post(f"/api/tasks/{task.id}/advance", json=body, headers=staff).is_success
    clock.at = task.created_at + timedelta(seconds=150)
    body = {"action": "deliver", "scan": number, "place": "A-01-1-07"}
    assert client.post(f"/api/tasks/{task.id}/advance", json=body, headers=staff).is_success


def _staged_booking(services: Services, clock: FixedClock, number: str, order: str) -> None:
    """A booking made 70 s ago whose one sample is in its compartment now."""
    booked = clock.at - timedelta(seconds=70)
    window = PickupWindow(clock.at + timedelta(hours=1), clock.at + timedelta(hours=2))
    booking = Booking.create("b-flow", order, "c", {number: CompartmentSize.M}, window, "a", booked)
    booking.place(number, Location(LocationKind.LOCKER_COMPARTMENT, "C1-01"), "R1", clock.at)
    with services.uow_factory() as uow:
        uow.bookings.add(booking)
        uow.commit()


def test_staff_see_the_day_s_waits_as_figures_a_chart_and_csv(
    client: TestClient,
    login: Callable[[str], Headers],
    browser_login: Callable[[str], TestClient],
    made: dict[str, str],
    web_store: MemoryStore,
    web_services: Services,
    clock: FixedClock,
) -> None:
    _carry_put_away(client, login("warehouse"), web_store, clock, made["sample_a2"])
    _staged_booking(web_services, clock, made["sample_a1"], made["order_a"])
    day = clock.now().astimezone(SHANGHAI).date()  # 2026-11-02, 17:00 in China
    page = browser_login("lab").get("/flow")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "流转指标" in text
    assert 'data-testid="nav-flow"' in text
    put_away = text.split('data-figure="put_away"')[1].split("</tr>")[0]
    assert "<td>1</td>" in put_away
    assert "2.5 分钟" in put_away
    prep = text.split('data-figure="pickup_prep"')[1].split("</tr>")[0]
    assert "<td>1</td>" in prep
    assert "70 秒" in prep
    assert 'data-testid="flow-chart-put_away"' in text
    assert f'data-day="{day.isoformat()}"' in text
    assert "Flow figures" in client.get("/flow?lang=en").text
    answer = client.get("/flow.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert len(rows) == 7
    assert rows[-1]["day"] == day.isoformat()
    last = rows[-1]
    assert (last["put_away_n"], last["put_away_p95_s"]) == ("1", "150.0")
    assert (last["pickup_prep_n"], last["pickup_prep_max_s"], last["to_bench_n"]) == (
        "1",
        "70.0",
        "0",
    )
    assert all(row["put_away_n"] == "0" for row in rows[:-1])
    earlier = client.get(f"/flow.csv?to={day - timedelta(days=1)}").text
    assert ",1," not in earlier  # the day before holds neither wait


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("from=2026-13-01", "开始日期：'2026-13-01' 不符合要求；日期，格式 YYYY-MM-DD"),
        (
            "from=2026-11-05&to=2026-11-01",
            "开始日期：'2026-11-05' 不符合要求；不晚于结束日期的一天",
        ),
        ("from=2026-01-01&to=2026-11-01", "结束日期：'2026-11-01' 不符合要求；起止最多 92 天"),
    ],
)
def test_a_bad_range_is_refused_naming_the_field_and_what_is_allowed(
    browser_login: Callable[[str], TestClient], query: str, said: str
) -> None:
    client = browser_login("warehouse")
    answer = client.get(f"/flow?{query}")
    assert answer.status_code == 422
    assert said in html.unescape(answer.text)
    assert client.get(f"/flow.csv?{query}").status_code == 422


@pytest.mark.parametrize("username", ["kiosk", "cust-a"])
def test_the_kiosk_and_customers_never_see_it(
    browser_login: Callable[[str], TestClient], username: str
) -> None:
    client = browser_login(username)
    assert client.get("/flow").status_code == 403
    assert client.get("/flow.csv").status_code == 403
    assert 'href="/flow"' not in client.get("/orders").text


def test_the_api_gives_the_same_figures_as_json(
    client: TestClient,
    login: Callable[[str], Headers],
    made: dict[str, str],
    web_store: MemoryStore,
    clock: FixedClock,
) -> None:
    staff = login("warehouse")
    _carry_put_away(client, staff, web_store, clock, made["sample_a2"])
    answer = client.get("/api/flow", headers=staff)
    assert answer.status_code == 200
    body = answer.json()
    assert len(body["days"]) == 7
    assert body["last"] == clock.now().astimezone(SHANGHAI).date().isoformat()
    assert body["total"]["figures"]["put_away"] == {
        "n": 1,
        "p50_s": 150.0,
        "p95_s": 150.0,
        "max_s": 150.0,
    }
    assert body["days"][-1]["figures"]["put_away"]["n"] == 1
    assert body["total"]["figures"]["pickup_prep"]["n"] == 0
    bad = client.get("/api/flow?from=yesterday", headers=staff)
    assert bad.status_code == 422
    assert (bad.json()["field"], bad.json()["value"]) == ("from", "yesterday")
    assert client.get("/api/flow", headers=login("cust-a")).status_code == 403


def test_the_chart_scales_each_day_to_the_range_s_highest_p95() -> None:
    def day(*seconds: float) -> flow.Figures:
        return flow.Figures({"put_away": flow.spread(list(seconds))}, 0)

    days = [(date(2026, 12, 1), day(60, 120)), (date(2026, 12, 2), day())]
    drawn = chart(days, "put_away")
    assert drawn["highest"] == 120
    first, empty = cast(list[dict[str, float]], drawn["bars"])
    assert (first["p50"], first["p95"]) == (0.5, 1.0)
    assert (empty["p50"], empty["p95"]) == (0, 0)
    assert chart([(date(2026, 12, 2), day())], "put_away")["highest"] is None
