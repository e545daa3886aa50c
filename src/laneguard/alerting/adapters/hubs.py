"""The in-process hub between alerting's threads and the web app's event loop.

`WebSocketHub` is the alert transport to browser terminals: it only ever holds sealed messages.
Its sibling for the live view, `FrameHub`, is detection's (laneguard.detection.adapters.frame_hub).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque

from laneguard.alerting.domain.alerts import SealedMessage


class WebSocketHub:
    name = "websocket"

    def __init__(self, backlog: int = 20) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: dict[str, set[asyncio.Queue[bytes]]] = {}
        self._backlog: dict[str, deque[bytes]] = {}
        self._size = backlog
        self._lock = threading.Lock()

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def deliver(self, message: SealedMessage) -> None:
        data = message.to_bytes()
        with self._lock:
            self._backlog.setdefault(message.terminal_id, deque(maxlen=self._size)).append(data)
            queues = list(self._subscribers.get(message.terminal_id, ()))
        if self._loop is not None:
            for q in queues:
                self._loop.call_soon_threadsafe(q.put_nowait, data)

    def subscribe(self, terminal_id: str) -> asyncio.Queue[bytes]:
        """A queue of the terminal's alerts from now on (what it missed comes from the records:
        `AlertService.unacknowledged_for`, or `recent` when they cannot be read)."""
        q: asyncio.Queue[bytes] = asyncio.Queue()
        with self._lock:
            self._subscribers.setdefault(terminal_id, set()).add(q)
        return q

    def recent(self, terminal_id: str) -> list[bytes]:
        """The terminal's last alerts as sent (when the records cannot say what it missed)."""
        with self._lock:
            return list(self._backlog.get(terminal_id, ()))

    def unsubscribe(self, terminal_id: str, q: asyncio.Queue[bytes]) -> None:
        with self._lock:
            self._subscribers.get(terminal_id, set()).discard(q)

    def forget(self, terminal_id: str) -> None:
        """Drops a revoked terminal's backlog."""
        with self._lock:
            self._backlog.pop(terminal_id, None)
