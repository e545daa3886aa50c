"""The station's forwarder: publishes the outbox's messages to the centre (QoS 1) and deletes
each one only once the broker has acknowledged it (PUBACK). While the link is down the outbox
grows and the station carries on; when the link returns the forwarder catches up, oldest first.
A message acknowledged but not yet deleted (a crash in between) is sent again; the centre's
version rule makes that harmless."""

from __future__ import annotations

import logging
import threading

from laneguard.centre.service.ports import LinkDownError, Publisher
from laneguard.core.errors import LaneGuardError
from laneguard.core.ports import Outbox

log = logging.getLogger(__name__)


def topic(prefix: str, station: str, kind: str) -> str:
    return f"{prefix}/centre/{station}/{kind}"


class Forwarder:
    def __init__(
        self,
        outbox: Outbox,
        publisher: Publisher,
        station: str,
        topic_prefix: str,
        batch: int = 100,
        ack_timeout_s: float = 10.0,
    ) -> None:
        self.outbox = outbox
        self.publisher = publisher
        self.station = station
        self.prefix = topic_prefix
        self.batch = batch
        self.ack_timeout_s = ack_timeout_s

    def drain_once(self) -> int:
        """Sends one batch; the number delivered (acknowledged and deleted). Raises
        LinkDownError when the link is down (nothing deleted)."""
        entries = self.outbox.pending(self.batch)
        if not entries:
            return 0
        messages = [
            (topic(self.prefix, self.station, e.kind), e.payload.encode("utf-8")) for e in entries
        ]
        acked = self.publisher.publish(messages, self.ack_timeout_s)
        delivered = 0
        for entry, ok in zip(entries, acked, strict=True):
            if not ok:
                break  # keep the order: the rest waits for the next round
            self.outbox.delete(entry.entry_id)
            delivered += 1
        if delivered < len(entries):
            raise LinkDownError(f"{len(entries) - delivered} messages not acknowledged in time")
        return delivered

    def drain(self) -> int:
        """Sends until the outbox is empty or the link fails; the number delivered."""
        total = 0
        while True:
            sent = self.drain_once()
            total += sent
            if sent == 0:
                return total

    def run(self, stop: threading.Event, every_s: float = 0.5, retry_s: float = 2.0) -> None:
        """Drains whenever there is something to send, until `stop`; a failure waits `retry_s`."""
        was_down = False
        while not stop.is_set():
            try:
                sent = self.drain()
            except LaneGuardError as exc:
                if not was_down:
                    log.warning("centre link down, messages kept in the outbox: %s", exc)
                was_down = True
                stop.wait(retry_s)
                continue
            if was_down:
                log.info("centre link back; %d messages caught up", sent)
                was_down = False
            stop.wait(every_s)
