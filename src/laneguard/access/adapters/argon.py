"""Argon2id password digests (argon2-cffi), the only form a password is kept in."""

from __future__ import annotations

import threading

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Argon2Hasher:
    """`memory_kib` and `time_cost` default to argon2-cffi's (RFC 9106 low-memory profile, 64 MiB
    a hash); tests pass small ones to stay fast. At most `parallel` hashes run at once, so a burst
    of logins (or of HTTP Basic requests) cannot take the station's memory."""

    def __init__(
        self, memory_kib: int | None = None, time_cost: int | None = None, parallel: int = 2
    ) -> None:
        self._slots = threading.BoundedSemaphore(parallel)
        self._argon = (
            _Argon2()
            if memory_kib is None
            else _Argon2(memory_cost=memory_kib, time_cost=time_cost or 1, parallelism=1)
        )

    def hash(self, password: str) -> str:
        with self._slots:
            return self._argon.hash(password)

    def verify(self, digest: str, password: str) -> bool:
        try:
            with self._slots:
                return self._argon.verify(digest, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
