"""The key that signs sessions, CSRF and API tokens: configured, or made once and kept."""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

from samplehub.app.config import Settings

if TYPE_CHECKING:
    pass


def with_secret_key(settings: Settings) -> Settings:
    """The settings with a signing key: the configured one, or one kept in the data folder.

    The file is made once with 256 random bits and mode 0600, so restarts keep sessions valid
    and no installation runs on a key published in the source.
    """
    if settings.secret_key:
        return settings
    path = settings.data_dir / "secret.key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(32))
    return settings.model_copy(update={"secret_key": path.read_text().strip()})
