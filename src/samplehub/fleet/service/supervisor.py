"""The fleet worker as a supervised background thread of ``samplehub serve``.

Only the leader runs robots (``Leadership``: a PostgreSQL advisory lock, or the single process
on SQLite); a follower retries every few seconds and takes over when the leader's connection
dies. An unexpected error ends the worker's life; it is logged and a fresh worker is built after
a back-off that doubles up to a limit, so a database outage does not spin. The map reads the
current worker under the same lock the worker steps under.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from samplehub.core.service.leader import LeaderThread
from samplehub.fleet.service.ports import Leadership
from samplehub.fleet.service.view import NotFoundError
from samplehub.fleet.service.worker import FleetWorker

log = logging.getLogger(__name__)


class FleetSupervisor(LeaderThread):
    thread_name = "fleet-worker"
    stop_timeout_s = 5.0

    def __init__(
        self,
        make_worker: Callable[[], FleetWorker],
        leadership: Leadership,
        *,
        step_s: float = 0.1,
        follower_retry_s: float = 3.0,
        backoff_s: tuple[float, float] = (1.0, 30.0),
        site: dict[str, Any] | None = None,
    ) -> None:
        """``site`` is the map's drawing (``view.site_view``), shown while no worker runs here."""
        super().__init__(leadership, follower_retry_s=follower_retry_s, backoff_s=backoff_s)
        self.make_worker = make_worker
        self.step_s = step_s
        self.site = site or {"map_id": "", "nodes": [], "lanes": []}
        self.lock = threading.Lock()
        self.worker: FleetWorker | None = None
        self.restarts = 0

    def run(self) -> None:
        delay = self.backoff_s[0]
        while not self.stopping.is_set():
            if not self.lease.acquire():
                if self.role != "follower":
                    log.info("fleet: another worker leads; this one follows")
                self.role = "follower"
                self.stopping.wait(self.follower_retry_s)
                continue
            self.role = "leader"
            log.info("fleet: this worker leads; rebuilding from the tasks table")
            try:
                self.lead()
                delay = self.backoff_s[0]
            except Exception:
                self.restarts += 1
                log.exception("fleet worker failed; a fresh one starts in %.0f s", delay)
                self.stopping.wait(delay)
                delay = self.longer(delay)
            finally:
                self.retire()
        self.step_down()

    def lead(self) -> None:
        worker = self.make_worker()
        with self.lock:
            self.worker = worker
            worker.start()
        while not self.stopping.is_set():
            if not self.lease.held():
                log.warning("fleet: lost the lead; stopping the robots' worker")
                return
            with self.lock:
                worker.step()
            self.stopping.wait(self.step_s)

    def retire(self) -> None:
        with self.lock:
            worker, self.worker = self.worker, None
        if worker is not None:
            try:
                worker.close()
            except Exception:
                log.exception("closing the fleet worker failed")

    # -- the live map (FleetSource) -------------------------------------------------------------
    def _read(self, call: Callable[[FleetWorker], Any]) -> Any:
        with self.lock:
            if self.worker is None:
                raise NotFoundError(f"this process does not run the fleet ({self.role})")
            return call(self.worker)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            if self.worker is None:
                return {"role": self.role, "robots": [], "racks": [], "in_flight": [],
                        "open_tasks": [], "alerts": [], "capacity_warnings": [], "reserved": {},
                        "stats": {}, "time": 0, "site": self.site}  # fmt: skip
            return self.worker.snapshot() | {"role": self.role}

    def positions(self) -> dict[str, Any]:
        with self.lock:
            if self.worker is None:
                return {"time": 0, "robots": [], "racks": []}
            return self.worker.view.positions()

    def robot(self, serial: str) -> dict[str, Any]:
        return dict(self._read(lambda w: w.view.robot(serial)))

    def slot(self, address: str) -> dict[str, Any]:
        return dict(self._read(lambda w: w.view.slot(address)))

    def rack(self, node: str) -> list[dict[str, Any]]:
        return list(self._read(lambda w: w.view.rack_slots(node)))
