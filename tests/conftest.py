"""Settings for every tier."""

import pytest
from hypothesis import HealthCheck, settings

from laneguard.access.adapters.argon import Argon2Hasher
from laneguard.access.adapters.memory import InMemoryUserRepository
from laneguard.access.domain.users import Role
from laneguard.access.service.users import UserService
from laneguard.core.clock import SystemClock

# CI machines are shared and slow at times: judge properties, not the speed of generating data.
settings.register_profile(
    "project",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("project")


# LaneGuard's web UI has no anonymous mode: its web tests log in as one of these users.
LANEGUARD_PASSWORD = "correct-horse-battery"


@pytest.fixture
def lg_users() -> UserService:
    """An operator `operator` and a viewer `viewer` (password `LANEGUARD_PASSWORD`), hashed
    with Argon2 at its smallest cost so that HTTP Basic on every request stays fast."""
    users = UserService(
        InMemoryUserRepository(), Argon2Hasher(memory_kib=8, time_cost=1), SystemClock()
    )
    users.add("operator", Role.OPERATOR, LANEGUARD_PASSWORD)
    users.add("viewer", Role.VIEWER, LANEGUARD_PASSWORD)
    return users


@pytest.fixture
def lg_operator() -> tuple[str, str]:
    """HTTP Basic credentials of the operator, for a test client's `auth`."""
    return ("operator", LANEGUARD_PASSWORD)
