"""What every SampleHub browser test needs: a served app, Debian's Chromium, a logged-in page.

``serve(app)`` runs an ASGI app under uvicorn on a free local port until the test (or module)
ends; ``demo_settings(folder)`` are settings on a fresh SQLite database in that folder;
``log_in(page, url, username)`` signs a demo user in through the login form.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"  # Debian's package; never `playwright install`
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

Serve = Callable[[object], str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Servers:
    def __init__(self) -> None:
        self._running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def serve(self, app: object) -> str:
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            assert thread.is_alive(), "the server thread died"
            time.sleep(0.05)
        self._running.append((server, thread))
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        for server, thread in self._running:
            server.should_exit = True
            thread.join(timeout=10)


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Serve apps for one test."""
    servers = _Servers()
    yield servers.serve
    servers.stop()


@pytest.fixture(scope="module")
def serve_module() -> Iterator[Serve]:
    """Serve apps for every test of a module."""
    servers = _Servers()
    yield servers.serve
    servers.stop()


@pytest.fixture(scope="session")
def demo_settings() -> Callable[[Path], Settings]:
    def make(folder: Path) -> Settings:
        # explicit, so a SAMPLEHUB_DATABASE_URL in the environment cannot leak in
        settings = Settings(
            data_dir=folder,
            database_url=f"sqlite:///{folder / 'samplehub.db'}",
            secret_key="e2e-secret-0123456789",
            default_locale="zh-CN",
            mqtt_url=None,
        )
        bootstrap.upgrade_database(settings)
        return settings

    return make


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def log_in() -> Callable[[Page, str, str], None]:
    def sign_in(page: Page, url: str, username: str) -> None:
        page.goto(f"{url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()

    return sign_in
