"""The core tests' doubles (integration tests share them): a monotonic clock a test moves by
hand, and units of work whose repositories fail on demand, after a command's first rows were
written. The fakes the product ships (``MemoryStore``, ``FixedClock``, ``PlainHasher`` …) live in
``samplehub.core.adapters.memory``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from samplehub.app.units import SqlAppUnitOfWork, SqlAppUowFactory


class Ticks:
    """A monotonic clock that moves only when a test sets ``now``."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Injected(Exception):
    """The failure a test injects."""


@dataclass
class Fault:
    """Which repository method fails (once armed), and for which arguments."""

    repository: str = ""
    method: str = ""
    when: Callable[..., bool] = field(default=lambda *args: True)
    calls: int = 0  # how often it failed

    def arm(self, repository: str, method: str, when: Callable[..., bool] | None = None) -> None:
        self.repository, self.method = repository, method
        self.when = when or (lambda *args: True)


class Failing:
    """A repository whose ``method`` raises ``Injected`` when the fault says so."""

    def __init__(self, inner: Any, fault: Fault) -> None:
        self.inner, self.fault = inner, fault

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.inner, name)
        if name != self.fault.method:
            return found

        def failing(*args: Any) -> Any:
            if self.fault.when(*args):
                self.fault.calls += 1
                raise Injected(f"{self.fault.repository}.{name} failed")
            return found(*args)

        return failing


class FaultyUnitOfWork(SqlAppUnitOfWork):
    fault: Fault

    def _open(self, conn: Connection) -> None:
        super()._open(conn)
        if self.fault.repository:
            name = self.fault.repository
            setattr(self, name, Failing(getattr(self, name), self.fault))


class FaultyFactory(SqlAppUowFactory):
    def __init__(self, url: str, fault: Fault) -> None:
        super().__init__(url)
        self.fault = fault

    def __call__(self) -> FaultyUnitOfWork:
        uow = FaultyUnitOfWork(self.engine)
        uow.fault = self.fault
        return uow
