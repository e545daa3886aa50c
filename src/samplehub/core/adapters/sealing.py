"""Bodies of outbox notices encrypted at rest: AES-256-GCM under a key derived from the app's
secret key (``secret_key`` or ``data_dir/secret.key``), bound to the message's id.

A database dump alone does not reveal a pickup code; rotating the secret key makes notices
still waiting undeliverable (they fail and are given up, and new codes can be issued).
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from samplehub.core.domain.errors import SampleHubError

PREFIX = "v1."
_PROCESS_KEY = os.urandom(32)


class SealError(SampleHubError, ValueError):
    """A sealed body could not be opened (another key, or altered)."""


class AesGcmSealer:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError(f"outbox key of {len(key)} bytes: 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_secret(cls, secret: str) -> AesGcmSealer:
        return cls(hashlib.sha256(f"samplehub-outbox-key:{secret}".encode()).digest())

    @classmethod
    def for_process(cls) -> AesGcmSealer:
        """A key that lives as long as the process: units of work made without one (tests)."""
        return cls(_PROCESS_KEY)

    def seal(self, text: str, bound_to: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, text.encode(), bound_to.encode())
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, token: str, bound_to: str) -> str:
        if not token.startswith(PREFIX):
            raise SealError("not a sealed outbox body")
        raw = base64.urlsafe_b64decode(token[len(PREFIX) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], bound_to.encode()).decode()
        except InvalidTag as error:
            raise SealError("sealed with another key, or altered") from error
