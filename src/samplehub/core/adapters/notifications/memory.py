"""A sender that keeps what it was given: unit tests and the demo read ``sent``."""

from __future__ import annotations

import threading

from samplehub.core.service.notifications import Channel, Notice, NotificationFailed


class RecordingSender:
    def __init__(self, channel: Channel = Channel.EMAIL, *, fail_for: frozenset[str] = frozenset()):
        self.channel = channel
        self.sent: list[Notice] = []
        self._fail_for = fail_for  # recipients whose delivery fails, to test the failure path
        self._lock = threading.Lock()

    def send(self, notice: Notice) -> None:
        if notice.recipient in self._fail_for:
            raise NotificationFailed(self.channel, notice.recipient, "refused by the fake")
        with self._lock:
            self.sent.append(notice)
