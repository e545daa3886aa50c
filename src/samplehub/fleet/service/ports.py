"""Interfaces the fleet service needs from outside (implemented in adapters and simulation)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from samplehub.core.domain.errors import SampleHubError
from samplehub.core.domain.messages import Message
from samplehub.core.service.leader import Lease
from samplehub.fleet.domain.dispatch import RobotCandidate, TransportTask

MessageHandler = Callable[[str, bytes], None]


class Transport(Protocol):
    """Publish/subscribe with MQTT semantics (``+`` and ``#`` wildcards in filters)."""

    def publish(
        self, topic: str, payload: bytes, *, qos: int = 0, retain: bool = False
    ) -> None: ...

    def subscribe(self, topic_filter: str, handler: MessageHandler) -> None: ...


class AssignmentSolver(Protocol):
    def solve(self, cost: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
        """Minimum-cost (row, column) pairs of a rectangular cost matrix."""
        ...


class CostModel(Protocol):
    """Prices every (robot, task) pair of a dispatch round; ``domain.dispatch.cost_matrix`` is
    the reference implementation, an adapter may compute the same faster."""

    def matrix(
        self, robots: Sequence[RobotCandidate], tasks: Sequence[TransportTask], now: float
    ) -> Sequence[Sequence[float]]: ...


class RfidReader(Protocol):
    def read(self, location_tag: str) -> list[str]:
        """EPCs the reader at this location sees now."""
        ...


class FleetListener(Protocol):
    """What the fleet tells the rest of SampleHub (lifecycle, custody, alerts)."""

    def on_picked(self, task_id: str, load_id: str, serial: str, now: float) -> None: ...

    def on_delivered(self, task_id: str, load_id: str, serial: str, now: float) -> None: ...

    def on_stranded(self, task_id: str, load_id: str, serial: str, now: float) -> None:
        """The sample is on a robot that failed; it stays "on robot X" until recovered."""
        ...

    def on_alert(self, alert: Message, now: float) -> None:
        """Something staff must look at: a ``fleet.alert_…`` message with its values."""
        ...


class FleetLifecycle(Protocol):
    """The sample lifecycle as the fleet moves loads (``load_id`` is the sample's EPC).

    Each call returns ``None`` when the move was recorded, or a sentence saying why it was
    refused; the fleet never lets a refused record stop a robot, it holds the sample instead.
    """

    def picked(self, load_id: str, serial: str, task_id: str) -> str | None: ...

    def stored(self, load_id: str, slot_address: str, serial: str, task_id: str) -> str | None: ...

    def delivered_to_lab(
        self, load_id: str, node: str, serial: str, task_id: str
    ) -> str | None: ...

    def staged(self, load_id: str, node: str, serial: str, task_id: str) -> str | None: ...

    def held(self, load_id: str, reason: str, task_id: str) -> str | None:
        """The fleet lost track of the sample (RFID disagreed, or a record was refused)."""
        ...


class Floor(Protocol):
    """The robots on the floor, where the fleet runs them itself (simulated robots in process);
    real AGVs run on their own and need no floor."""

    def connect(self, now: float) -> None:
        """Bring every robot online (it announces itself: connection, factsheet, state)."""
        ...

    def step(self, now: float, dt: float) -> None: ...

    def respawn(self, serial: str, node: str, load_id: str) -> None:
        """After a restart: put robot ``serial`` at ``node`` with ``load_id`` on board, as the
        task record says it was when the fleet went down."""
        ...


Leadership = Lease
"""One fleet worker per database: only the holder of the lease runs the robots."""


class TransportError(SampleHubError, RuntimeError):
    """The message transport failed (broker unreachable, publish refused)."""
