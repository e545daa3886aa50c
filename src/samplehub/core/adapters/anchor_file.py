"""The anchors as an append-only JSON Lines file (``data_dir/anchors.jsonl``): easy to copy
off the machine, mail or print, and read back by ``samplehub audit verify --anchors FILE``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from samplehub.core.domain.anchors import Anchor


class AnchorFile:
    """Implements ``AnchorCopy``: one JSON object per line, only ever appended to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, anchor: Anchor) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(anchor.as_dict(), sort_keys=True, separators=(",", ":")) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(line)
            out.flush()
            os.fsync(out.fileno())

    def read(self) -> list[Anchor]:
        """The anchors in the file; a line that is not an anchor is an error naming it."""
        if not self.path.is_file():
            return []
        anchors = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                anchors.append(Anchor.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{self.path} line {number}: not an anchor ({exc})") from exc
        return anchors
