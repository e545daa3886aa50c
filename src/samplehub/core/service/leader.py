"""Jobs of ``samplehub serve`` that one worker runs for the whole database: the lease that names
that worker, and the daemon thread that works while it holds the lease.

The robots' fleet (``FleetSupervisor``) and the notice delivery (``DeliveryWorker``) are such
jobs: every worker starts one, the lease holder leads, the others follow and retry.
"""

from __future__ import annotations

import abc
import threading
from typing import Protocol


class Lease(Protocol):
    """Who leads when several workers share one database: a PostgreSQL advisory lock, or the
    single process on SQLite."""

    def acquire(self) -> bool:
        """Try to become the leader (without waiting); True when this process holds it."""
        ...

    def held(self) -> bool:
        """Still the leader (the lease's connection is alive)."""
        ...

    def release(self) -> None: ...


class LeaderThread(abc.ABC):
    """``run`` in a daemon thread from ``start`` to ``stop``, working while it holds ``lease``.

    ``run`` loops until ``stopping`` is set, waits on it (so ``stop`` ends a wait at once), says
    in ``role`` whether this worker is the ``leader`` or a ``follower``, and ends with
    ``step_down``. A follower retries every ``follower_retry_s``; after a failure the next try
    waits ``backoff_s[0]``, doubling (``longer``) up to ``backoff_s[1]``.
    """

    thread_name = "leader"
    stop_timeout_s = 10.0  # how long ``stop`` waits for the thread by default

    def __init__(
        self, lease: Lease, *, follower_retry_s: float, backoff_s: tuple[float, float]
    ) -> None:
        self.lease = lease
        self.follower_retry_s = follower_retry_s
        self.backoff_s = backoff_s
        self.role = "stopped"
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.stopping.clear()
        self._thread = threading.Thread(target=self.run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float | None = None) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=self.stop_timeout_s if timeout_s is None else timeout_s)

    @abc.abstractmethod
    def run(self) -> None: ...

    def longer(self, delay: float) -> float:
        """The wait after another failure in a row."""
        return min(delay * 2, self.backoff_s[1])

    def step_down(self) -> None:
        """Give the lease back as the thread ends."""
        self.lease.release()
        self.role = "stopped"
