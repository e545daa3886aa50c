"""Every page a staff member or a customer reaches by following links, after a short simulated
working day has written all kinds of records (tasks carried by robots, lab work, certificates,
pickups): a zh-CN page shows no English sentence, an English page shows no Chinese label (data
such as company names, instrument types and manufacturers excepted)."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.demo_day import day_profile, simulated_day
from samplehub.app.services import Services
from samplehub.app.wiring import storage as storage_wiring
from samplehub.core.adapters.memory import PlainHasher
from samplehub.simulation.clock import SimClock
from samplehub.web.app import create_app
from tests.integration.samplehub.conftest import signed_in

MONDAY_0830_CST = datetime(2026, 1, 5, 0, 30, tzinfo=UTC).timestamp()
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'()-]+[A-Za-z]{2,}){2,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]+")
NOT_PAGES = re.compile(r"/(logout|static/|api/|fleet/map\.)|lang=|\.(pdf|xml|png|svg|csv|xlsx)\b")
USERS = ("admin", "warehouse", "lab", "approver", "cust-a")
MOST_PAGES = 60  # per user and language: every kind of page, not every sample's


def _visible(page: str) -> str:
    page = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


@pytest.fixture(scope="module")
def worked_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Services]:
    folder: Path = tmp_path_factory.mktemp("zh-cn-pages")
    settings = Settings(data_dir=folder, secret_key="integration-key-0123456789", mqtt_url=None)
    bootstrap.upgrade_database(settings)
    clock = SimClock(MONDAY_0830_CST)
    services = bootstrap.bootstrap(settings, clock=clock, hasher=PlainHasher())
    storage_wiring.ensure_site(settings, services)
    seed_demo(services)
    profile = dataclasses.replace(day_profile(), end=time(9, 30))
    world = simulated_day(settings, services, clock, speed=4.0, profile=profile)
    try:
        for _ in range(4 * 12):
            world.run(300)
            if world.day.counts.collected >= 2:
                break
    finally:
        world.close()
    yield settings, services
    services.close()


def _crawl(client: TestClient, lang: str) -> dict[str, str]:
    """Visible text of each page reached from the home page by links, in ``lang``."""
    client.get(f"/?lang={lang}")  # the switch on every page: it keeps the choice in a cookie
    seen: dict[str, str] = {}
    todo = ["/"]
    while todo and len(seen) < MOST_PAGES:
        url = todo.pop(0)
        if url in seen or NOT_PAGES.search(url):
            continue
        answer = client.get(url)
        if "text/html" not in answer.headers.get("content-type", ""):
            seen[url] = ""
            continue
        seen[url] = _visible(answer.text)
        todo += [html.unescape(h) for h in re.findall(r'href="(/[^"#]*)"', answer.text)]
    return seen


def _page(settings: Settings, services: Services, username: str) -> TestClient:
    return signed_in(create_app(services, settings), username)


def _data_words(settings: Settings) -> set[str]:
    """The Chinese in the records themselves (company and staff names, instrument types and
    makers, storage area names, certificate texts): shown as they are in any language."""
    engine = sa.create_engine(settings.resolved_database_url())
    words: set[str] = set()
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            rows = conn.execute(sa.text(f'SELECT * FROM "{table}"'))  # noqa: S608 - schema names
            texts = [value for row in rows for value in row if isinstance(value, str)]
            words.update(m for text in texts for m in CHINESE.findall(text))
    engine.dispose()
    return words


@pytest.mark.parametrize("username", USERS)
def test_a_zh_cn_page_shows_no_english_sentence(
    worked_day: tuple[Settings, Services], username: str
) -> None:
    pages = _crawl(_page(*worked_day, username), "zh-CN")
    assert len(pages) > 5
    english = {f"{url}: {m}" for url, text in pages.items() for m in ENGLISH.findall(text)}
    assert english == set()


@pytest.mark.parametrize("username", USERS)
def test_an_english_page_shows_no_chinese_label(
    worked_day: tuple[Settings, Services], username: str
) -> None:
    settings, services = worked_day
    pages = _crawl(_page(settings, services, username), "en")
    data = _data_words(settings)
    chinese = {
        f"{url}: {m}"
        for url, text in pages.items()
        for m in CHINESE.findall(text)
        if m not in data and m != "中文"  # the language switch names Chinese in Chinese
    }
    assert chinese == set()
