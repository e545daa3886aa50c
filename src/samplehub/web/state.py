"""What every request handler reaches through ``request.app.state``: services, settings, limiter."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.core.domain.status import Check
from samplehub.core.service.commands import Actor
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.storage.service.inventory import CycleSummary
from samplehub.web.security import ActorCache, SharedLoginLimiter


class Memo:
    """One value recomputed at most every ``seconds`` (per worker): the storage banner every
    staff page shows need not count every slot on every page."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: Any = None
        self._until = 0.0

    def get(self, seconds: float, compute: Callable[[], Any]) -> Any:
        with self._lock:
            now = time.monotonic()
            if now >= self._until:
                self._value, self._until = compute(), now + seconds
            return self._value


class Latch:
    """A question asked until its answer is yes, then never again (per worker): the login page
    asks whether any admin exists only until one does."""

    def __init__(self) -> None:
        self.held = False

    def check(self, ask: Callable[[], bool]) -> bool:
        if not self.held:
            self.held = ask()
        return self.held


@dataclass(frozen=True)
class AppState:
    services: Services
    settings: Settings
    limiter: SharedLoginLimiter
    # each worker's last look at each login (trusted for settings.auth_cache_seconds)
    actors: ActorCache = field(default_factory=ActorCache)
    # password checks running at once (set to settings.password_hash_concurrency)
    hashing: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(4)
    )
    storage_banner: Memo = field(default_factory=Memo)  # capacity warnings, kept briefly
    admin_known: Latch = field(default_factory=Latch)  # an active admin has been seen
    kiosk: KioskDesk | None = None  # the intake kiosk; None where no kiosk is wired
    # runs a cycle count of the shelves for the actor; None where no shelf readers are wired
    inventory: Callable[[Actor], CycleSummary] | None = None
    # reads the installation's health (``app/status.py``); None where nothing reads it
    status: Callable[[], list[Check]] | None = None
    live_poll_seconds: float = 2.0  # how often a live page's stream looks for a change
    live_max_seconds: float = 300.0  # a stream then ends; the browser reconnects by itself
