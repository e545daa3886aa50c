"""In-process publish/subscribe with MQTT semantics: the embedded default and the simulator's bus.

Messages are queued on publish and delivered by ``pump`` so that a handler that publishes (a robot
answering an order with a state) never re-enters another handler.  Retained messages are kept per
topic and handed to later subscribers, as a broker would; ``taps`` see every message (the
``--vda-log`` recorder).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from samplehub.fleet.adapters.mqtt.topics import matches

Handler = Callable[[str, bytes], None]


class InProcessTransport:
    def __init__(self) -> None:
        self._subs: list[tuple[str, Handler]] = []
        self._queue: deque[tuple[str, bytes]] = deque()
        self._retained: dict[str, bytes] = {}
        self._routes: dict[str, list[Handler]] = {}
        self._lock = threading.Lock()
        self.taps: list[Handler] = []
        self.delivered = 0

    def publish(self, topic: str, payload: bytes, *, qos: int = 0, retain: bool = False) -> None:
        with self._lock:
            if retain:
                self._retained[topic] = payload
            self._queue.append((topic, payload))

    def subscribe(self, topic_filter: str, handler: Handler) -> None:
        with self._lock:
            self._subs.append((topic_filter, handler))
            self._routes.clear()
            retained = [(t, p) for t, p in self._retained.items() if matches(topic_filter, t)]
        for name, payload in retained:
            handler(name, payload)

    def pump(self, limit: int = 1_000_000) -> int:
        """Deliver queued messages (and those their handlers publish); returns how many."""
        count = 0
        while count < limit:
            with self._lock:
                if not self._queue:
                    break
                name, payload = self._queue.popleft()
                handlers = self._routes.get(name)
                if handlers is None:
                    handlers = [h for f, h in self._subs if matches(f, name)]
                    self._routes[name] = handlers
            for tap in self.taps:
                tap(name, payload)
            for handler in handlers:
                handler(name, payload)
            count += 1
        self.delivered += count
        return count
