"""Key files made once at the first start, safe when several processes start at once.

The key is written to a private temporary file beside its place and hard-linked into place:
the link appears with the whole key in it or not at all, so a process starting alongside never
reads an empty or half-written key, and of two starting together one key wins, and both use it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from laneguard.core.errors import ConfigError


def create_once(path: Path, make: Callable[[], bytes], size: int) -> bytes:
    """The key at ``path``: ``make()`` written there if none is yet, else the one there (of
    ``size`` bytes; a file of another size is refused, naming it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(make())
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another process linked its key first
                os.link(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    key = b""
    for _ in range(50):  # a file left by an older version may still be being written
        key = path.read_bytes()
        if len(key) == size:
            return key
        time.sleep(0.02)
    raise ConfigError(f"{path} holds {len(key)} bytes, not a {size}-byte key; delete it")
