"""The key that signs sessions, CSRF and API tokens: configured, or made once and kept."""

from __future__ import annotations

import contextlib
import os
import secrets
import time

from samplehub.app.config import Settings

READ_ATTEMPTS = 50  # x 20 ms: how long a reader waits for a key file another process writes


def with_secret_key(settings: Settings) -> Settings:
    """The settings with a signing key: the configured one, or one kept in the data folder.

    The file is made once with 256 random bits and mode 0600, so restarts keep sessions valid
    and no installation runs on a key published in the source. Several workers may start at
    once: the key is written to a private temporary file and hard-linked into place, so it
    appears whole or not at all, and of two made at once one wins and both use it. A reader
    that still finds it empty (written by an older version) waits a moment and reads again.
    """
    if settings.secret_key:
        return settings
    path = settings.data_dir / "secret.key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".secret.key.{secrets.token_hex(6)}.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(32))
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another worker linked its key first
                os.link(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    for _ in range(READ_ATTEMPTS):
        key = path.read_text().strip()
        if key:
            return settings.model_copy(update={"secret_key": key})
        time.sleep(0.02)
    raise RuntimeError(
        f"{path} is empty: delete it (a new key is made; every login ends) "
        "or set SAMPLEHUB_SECRET_KEY"
    )
