"""What every request handler reaches through ``request.app.state``: services, settings, limiter."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.web.security import ActorCache, SharedLoginLimiter


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
    kiosk: KioskDesk | None = None  # the intake kiosk; None where no kiosk is wired
    live_poll_seconds: float = 2.0  # how often a live page's stream looks for a change
    live_max_seconds: float = 300.0  # a stream then ends; the browser reconnects by itself
