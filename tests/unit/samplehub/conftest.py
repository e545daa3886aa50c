import pytest

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.services import Services
from samplehub.core.adapters.memory import (
    FixedClock,
    ListPublisher,
    MemoryStore,
    MemoryUnitOfWork,
    PlainHasher,
)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def publisher() -> ListPublisher:
    return ListPublisher()


@pytest.fixture
def services(store: MemoryStore, publisher: ListPublisher) -> Services:
    return bootstrap.bootstrap(
        Settings(),
        uow_factory=lambda: MemoryUnitOfWork(store),
        clock=FixedClock(),
        hasher=PlainHasher(),
        publisher=publisher,
    )
