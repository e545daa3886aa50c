"""The message bus: one entry for every command, a fresh unit of work each, events after commit.

It is given the handler table of every slice (composed in ``samplehub.app.bootstrap``), so the
core knows no slice. A slice whose handlers need devices wired later (pickup: its lockers)
registers its table then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from samplehub.core.domain.errors import Conflict
from samplehub.core.service import commands as c
from samplehub.core.service.handlers import Context, Handler
from samplehub.core.service.ports import EventPublisher, UnitOfWork

log = logging.getLogger(__name__)
RETRIES = 3  # a command that lost a race is replayed from scratch; nothing of it was kept


class MessageBus:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        context: Context,
        handlers: Mapping[type[c.Command], Handler],
        publisher: EventPublisher | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.context = context
        self.handlers: dict[type[c.Command], Handler] = dict(handlers)
        self.publisher = publisher

    def register(self, handlers: Mapping[type[c.Command], Handler]) -> None:
        """Add a slice's handlers; a command already handled is refused (one handler each)."""
        taken = sorted(t.__name__ for t in set(handlers) & set(self.handlers))
        if taken:
            raise ValueError(f"commands already have handlers: {', '.join(taken)}")
        self.handlers.update(handlers)

    def handle(self, command: c.Command) -> Any:
        handler = self.handlers[type(command)]
        for attempt in range(1, RETRIES + 1):
            uow = self.uow_factory()
            try:
                result = handler(command, uow, self.context)
                break
            except Conflict:
                if attempt == RETRIES:
                    raise
                log.info("retrying %s after a concurrent change", type(command).__name__)
        if self.publisher is not None and uow.committed:
            try:
                self.publisher.publish(uow.committed)
            except Exception:  # live updates are best effort; the record is already safe
                log.exception("publishing %d events failed", len(uow.committed))
        return result
