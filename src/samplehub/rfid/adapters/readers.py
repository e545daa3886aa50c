"""The institute's LLRP readers by name: inventory (the TagReaders port) and EPC writing.

Each reader has one connection, opened on first use and kept. When it breaks (the reader went
away, sent garbage, stopped answering) it is dropped and opened again, after a back-off that
doubles with each failure in a row (``backoff_s`` up to ``max_backoff_s``); an operation is
tried once more on the fresh connection before the reader is reported unavailable.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from samplehub.core.domain.rfid import ReaderUnavailable, TagRead
from samplehub.rfid.adapters.tcp import Endpoint, LlrpTcpLink
from samplehub.rfid.service import operations as ops
from samplehub.rfid.service.operations import TagWriteFailed, WrittenTag
from samplehub.rfid.service.ports import LinkLost, ReaderRefused

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class _Reader:
    endpoint: Endpoint
    link: LlrpTcpLink | None = None
    failures: int = 0
    next_try: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class LlrpReaders:
    """Named LLRP readers; ``inventory`` implements core's TagReaders port."""

    def __init__(
        self,
        endpoints: Mapping[str, Endpoint],
        *,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
    ) -> None:
        self._readers = {name: _Reader(ep) for name, ep in endpoints.items()}
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s

    def add(self, name: str, endpoint: Endpoint) -> None:
        """Another reader (e.g. one a site file names); a known name keeps its connection."""
        self._readers.setdefault(name, _Reader(endpoint))

    @property
    def names(self) -> list[str]:
        return sorted(self._readers)

    def inventory(
        self, reader: str, antennas: Sequence[int] | None = None, seconds: float = 1.0
    ) -> list[TagRead]:
        wanted = tuple(antennas or ())
        reports = self.run(reader, lambda link: ops.inventory_round(link, wanted, seconds))
        return [
            TagRead(
                epc=r.epc,
                reader=reader,
                antenna=r.antenna,
                peak_rssi=r.peak_rssi,
                first_seen_utc_us=r.first_seen_utc_us,
                seen_count=r.seen_count,
            )
            for r in reports
        ]

    def write_epc(self, reader: str, antenna: int, epc_hex: str, password: int = 0) -> WrittenTag:
        """Write and read back an EPC on the single tag at a reader's antenna.

        Raises TagWriteFailed (the tag) or ReaderUnavailable (the reader)."""
        return self.run(reader, lambda link: ops.write_epc(link, antenna, epc_hex, password))

    def run(self, reader: str, operation: Callable[[LlrpTcpLink], T]) -> T:
        """Run ``operation`` on the reader's connection, reconnecting once if it breaks."""
        state = self._readers.get(reader)
        if state is None:
            raise ReaderUnavailable(f"reader {reader!r} is not configured; known: {self.names}")
        with state.lock:
            last: Exception | None = None
            for _ in range(2):
                try:
                    link = self._connected(reader, state)
                    result = operation(link)
                except (LinkLost, OSError) as error:
                    last = error
                    self._drop(reader, state, error)
                    continue
                except ReaderRefused as error:
                    raise ReaderUnavailable(str(error)) from error
                state.failures = 0
                return result
            raise ReaderUnavailable(f"RFID reader {reader} unavailable: {last}")

    def _connected(self, name: str, state: _Reader) -> LlrpTcpLink:
        if state.link is not None:
            return state.link
        wait = state.next_try - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        state.link = LlrpTcpLink(name, state.endpoint)
        ops.clear_specs(state.link)
        return state.link

    def _drop(self, name: str, state: _Reader, error: Exception) -> None:
        if state.link is not None:
            state.link.close()
            state.link = None
        state.failures += 1
        delay = min(self.max_backoff_s, self.backoff_s * 2 ** (state.failures - 1))
        state.next_try = time.monotonic() + delay
        log.warning("reader %s: %s; reconnecting in %.2f s", name, error, delay)

    def close(self) -> None:
        """Say goodbye to every reader (CLOSE_CONNECTION) and close the connections."""
        for state in self._readers.values():
            with state.lock:
                if state.link is not None:
                    state.link.goodbye()
                    state.link = None


__all__ = ["LlrpReaders", "TagWriteFailed", "WrittenTag"]
