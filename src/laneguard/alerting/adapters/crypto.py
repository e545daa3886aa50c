"""End-to-end encryption between the station and each terminal.

Scheme (the same in the browser terminal, see web/static/terminal.js):
- at enrolment the terminal makes an X25519 key pair and gives the station its public key; the
  station has its own long-lived X25519 key pair, whose public key the terminal keeps;
- per message: shared = X25519(own private, peer public); key = HKDF-SHA256(shared, salt=16 random
  bytes, info="laneguard/v1/<kind>/<terminal_id>", 32 bytes); AES-256-GCM with a random 96-bit nonce
  and associated data "laneguard/v1|<kind>|<incident_id>|<terminal_id>".
Static-static agreement means a terminal knows an alert came from its station and the station
knows an acknowledgement came from that terminal; the salt makes every message key fresh.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from laneguard.alerting.domain.alerts import (
    Acknowledgement,
    Alert,
    CameraAlert,
    MalformedMessageError,
    MessageKind,
    SealedMessage,
    Terminal,
    associated_data,
    b64d,
    b64e,
    key_info,
)
from laneguard.alerting.service.ports import DecryptionError
from laneguard.core.keyfile import create_once

SALT_BYTES = 16
NONCE_BYTES = 12

Payload = TypeVar("Payload")


def _raw_public(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _raw_private(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _message_key(
    own: X25519PrivateKey, peer_public: bytes, salt: bytes, kind: str, terminal_id: str
) -> AESGCM:
    try:
        shared = own.exchange(X25519PublicKey.from_public_bytes(peer_public))
    except ValueError as exc:
        raise DecryptionError(f"peer public key is not usable for X25519: {exc}") from exc
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=key_info(kind, terminal_id)
    ).derive(shared)
    return AESGCM(key)


def _seal(
    own: X25519PrivateKey,
    peer_public: bytes,
    kind: MessageKind,
    incident_id: str,
    terminal_id: str,
    plaintext: bytes,
) -> SealedMessage:
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    aead = _message_key(own, peer_public, salt, kind, terminal_id)
    ciphertext = aead.encrypt(nonce, plaintext, associated_data(kind, incident_id, terminal_id))
    return SealedMessage(kind, incident_id, terminal_id, salt, nonce, ciphertext)


def _open(own: X25519PrivateKey, peer_public: bytes, message: SealedMessage) -> bytes:
    aead = _message_key(own, peer_public, message.salt, message.kind, message.terminal_id)
    try:
        return aead.decrypt(message.nonce, message.ciphertext, message.associated_data())
    except InvalidTag as exc:
        raise DecryptionError(
            f"{message.kind} for incident {message.incident_id} does not decrypt for terminal "
            f"{message.terminal_id}: tampered, moved, or sealed for another key"
        ) from exc


def _open_as(
    parse: Callable[[bytes], Payload],
    what: str,
    own: X25519PrivateKey,
    peer_public: bytes,
    message: SealedMessage,
) -> Payload:
    """The message opened and read by `parse`: a plaintext that is not one is refused too."""
    plaintext = _open(own, peer_public, message)
    try:
        return parse(plaintext)
    except MalformedMessageError as exc:
        raise DecryptionError(f"{what} decrypted but is malformed: {exc}") from exc


def generate_private_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


class StationSealer:
    """The station's side: seals alerts to terminals and opens their acknowledgements."""

    def __init__(self, private_key: X25519PrivateKey) -> None:
        self._key = private_key
        self._public = _raw_public(private_key)

    @classmethod
    def load_or_create(cls, path: Path) -> StationSealer:
        """The station key lives in the data folder, readable by the service's user only."""
        raw = create_once(path, lambda: _raw_private(X25519PrivateKey.generate()), 32)
        return cls(X25519PrivateKey.from_private_bytes(raw))

    @property
    def station_public_key(self) -> bytes:
        return self._public

    def seal_alert(self, alert: Alert, terminal: Terminal) -> SealedMessage:
        return self._seal_for(terminal, "alert", alert.incident_id, alert.to_bytes())

    def seal_camera(self, alert: CameraAlert, terminal: Terminal) -> SealedMessage:
        return self._seal_for(terminal, "camera", alert.message_id, alert.to_bytes())

    def _seal_for(
        self, terminal: Terminal, kind: MessageKind, message_id: str, plaintext: bytes
    ) -> SealedMessage:
        """`plaintext` sealed to `terminal`'s key, its envelope naming `message_id`."""
        return _seal(
            self._key, terminal.public_key, kind, message_id, terminal.terminal_id, plaintext
        )

    def open_ack(self, message: SealedMessage, terminal: Terminal) -> Acknowledgement:
        if message.terminal_id != terminal.terminal_id:
            raise DecryptionError("ack envelope names another terminal")
        return _open_as(Acknowledgement.from_bytes, "ack", self._key, terminal.public_key, message)


@dataclass
class TerminalIdentity:
    """A terminal's side: its private key, its id, and the station's public key."""

    terminal_id: str
    name: str
    private_key: X25519PrivateKey
    station_public_key: bytes
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def public_key(self) -> bytes:
        return _raw_public(self.private_key)

    def open_alert(self, message: SealedMessage) -> Alert:
        if message.kind != "alert":
            raise DecryptionError(f"expected an alert, got kind={message.kind!r}")
        if message.terminal_id != self.terminal_id:
            raise DecryptionError(f"alert is for terminal {message.terminal_id}, not this one")
        return self._open_as(Alert.from_bytes, "alert", message)

    def open_camera(self, message: SealedMessage) -> CameraAlert:
        if message.kind != "camera" or message.terminal_id != self.terminal_id:
            raise DecryptionError(f"not a camera alert for this terminal: {message.kind!r}")
        return self._open_as(CameraAlert.from_bytes, "camera alert", message)

    def _open_as(
        self, parse: Callable[[bytes], Payload], what: str, message: SealedMessage
    ) -> Payload:
        return _open_as(parse, what, self.private_key, self.station_public_key, message)

    def seal_ack(self, ack: Acknowledgement) -> SealedMessage:
        return _seal(
            self.private_key,
            self.station_public_key,
            "ack",
            ack.incident_id,
            self.terminal_id,
            ack.to_bytes(),
        )

    def save(self, path: Path) -> None:
        """Writes the identity file (private key included) readable by its owner only."""
        data = json.dumps(
            {
                "terminal_id": self.terminal_id,
                "name": self.name,
                "private_key": b64e(_raw_private(self.private_key)),
                "station_public_key": b64e(self.station_public_key),
                "extras": self.extras,
            }
        ).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> TerminalIdentity:
        try:
            obj = json.loads(path.read_bytes())
            return cls(
                terminal_id=str(obj["terminal_id"]),
                name=str(obj["name"]),
                private_key=X25519PrivateKey.from_private_bytes(
                    b64d(obj["private_key"], "private_key")
                ),
                station_public_key=b64d(obj["station_public_key"], "station_public_key"),
                extras=dict(obj.get("extras") or {}),
            )
        except (OSError, KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"terminal key file {path} is unreadable: {exc}") from exc
