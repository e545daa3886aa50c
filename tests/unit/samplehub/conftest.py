import pytest

from samplehub import bootstrap
from samplehub.adapters.memory import (
    FixedClock,
    ListPublisher,
    MemoryStore,
    MemoryUnitOfWork,
    PlainHasher,
)
from samplehub.config import Settings
from samplehub.service.container import Services


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
