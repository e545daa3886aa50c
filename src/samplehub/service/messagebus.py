"""The message bus: one entry for every command, a fresh unit of work each, events after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from samplehub.domain.errors import Conflict
from samplehub.service import commands as c
from samplehub.service.handlers import HANDLERS, Context
from samplehub.service.ports import EventPublisher, UnitOfWork

log = logging.getLogger(__name__)
RETRIES = 3  # a command that lost a race is replayed from scratch; nothing of it was kept


class MessageBus:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        context: Context,
        publisher: EventPublisher | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.context = context
        self.publisher = publisher

    def handle(self, command: c.Command) -> Any:
        handler = HANDLERS[type(command)]
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
