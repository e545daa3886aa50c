"""LaneGuard's one error root. Every error a user or operator can act on derives from
`LaneGuardError`; each slice declares its own errors beside its ports, on this root."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class LaneGuardError(Exception):
    """Base of the errors a user or operator can act on; adapters raise them after translating
    their vendor's errors."""


class ConfigError(LaneGuardError, ValueError):
    """A config or zones file is missing, unreadable or malformed; the message names the field,
    the value and what is allowed. A ValueError too, as the station config's errors always were."""


class StorageError(LaneGuardError):
    """The database refused or is unreachable."""


@contextlib.contextmanager
def storage_errors(caught: type[Exception], what: str) -> Iterator[None]:
    """Raise a database driver's ``caught`` errors again as a StorageError saying ``what``
    failed, and why: the slices' SQL adapters translate their vendor's errors this one way."""
    try:
        yield
    except caught as exc:
        raise StorageError(f"{what} failed: {exc.__class__.__name__}: {exc}") from exc
