"""What the entrypoints are given: the bus for commands, and what queries and logins read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from samplehub.core.domain.anchors import Verifier
from samplehub.core.service.messagebus import MessageBus
from samplehub.core.service.ports import AuthStore, Clock, PasswordHasher
from samplehub.core.service.status_cache import StatusCache
from samplehub.lab.service.ports import CertificateRepository, LabUnitOfWork
from samplehub.pickup.service.ports import PickupUnitOfWork
from samplehub.recall.service.ports import RecallUnitOfWork
from samplehub.storage.service.ports import StorageUnitOfWork

if TYPE_CHECKING:
    from samplehub.lab.service.services import LabServices


class AppUnitOfWork(LabUnitOfWork, PickupUnitOfWork, RecallUnitOfWork, StorageUnitOfWork, Protocol):
    """Every slice's repositories on one transaction: the unit of work bootstrap makes."""

    @property
    def certificates(self) -> CertificateRepository: ...


@dataclass(frozen=True)
class Services:
    bus: MessageBus
    uow_factory: Callable[[], AppUnitOfWork]
    hasher: PasswordHasher
    clock: Clock
    statuses: StatusCache  # the status read model; the bus drops what committed events name
    # logins and failed-login counts: the database's in production, so every worker shares them
    auth: AuthStore
    close: Callable[[], None] = lambda: None  # releases connections; call when done
    lab: LabServices | None = None  # the lab console and certificates (None: not wired)
    # checks anchor signatures with the public anchor keys as they are on disk when called
    anchor_checker: Callable[[], Verifier] | None = None


def nothing_to_close() -> None:
    """Injected stores are closed by whoever made them."""
