"""The lane's warning clips: synthesised once with espeak-ng (Mandarin voice), kept in the data
folder as `<folder>/<lane>/<level>.wav`, and never overwritten, so an operator replaces a clip by
putting their own recording (16-bit WAV) at that path."""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from laneguard.domain.voice import WarningLevel
from laneguard.service.ports import SpeakerError

log = logging.getLogger(__name__)

DEFAULT_TEXTS = {
    WarningLevel.FIRST: "注意！{lane}号车道禁止行人和非机动车进入，请立即离开车道。",
    WarningLevel.STRONG: "警告！{lane}号车道有车辆通行，非常危险！请马上离开！工作人员正在赶来。",
}


class ClipSynthesisError(RuntimeError):
    pass


class EspeakClipLibrary:
    def __init__(
        self,
        folder: Path,
        texts: dict[WarningLevel, str] | None = None,
        voice: str = "cmn",
        espeak: str = "espeak-ng",
    ) -> None:
        self.folder = folder
        self.texts = texts or DEFAULT_TEXTS
        self.voice = voice
        self.espeak = espeak

    def path(self, lane: str, level: WarningLevel) -> Path:
        return self.folder / lane / f"{level.value}.wav"

    def prepare(self, lanes: Iterable[str]) -> list[Path]:
        """Synthesises every missing clip; returns the paths it wrote."""
        written = []
        for lane in lanes:
            for level in WarningLevel:
                path = self.path(lane, level)
                if not path.exists():
                    self._synthesise(self.texts[level].format(lane=lane), path)
                    written.append(path)
        return written

    def clip(self, lane: str, level: WarningLevel) -> bytes:
        path = self.path(lane, level)
        try:
            if not path.exists():
                self.prepare([lane])
            return path.read_bytes()
        except (ClipSynthesisError, OSError) as exc:
            raise SpeakerError(f"warning clip {path} unavailable: {exc}") from exc

    def _synthesise(self, text: str, path: Path) -> None:
        binary = shutil.which(self.espeak)
        if binary is None:
            raise ClipSynthesisError(
                f"{self.espeak} is not installed; install the Debian package espeak-ng or put "
                f"a recording at {path}"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(  # noqa: S603 - fixed argv, text is the operator's own config
                [binary, "-v", self.voice, "-s", "160", "-w", str(path), text],
                check=True,
                capture_output=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise ClipSynthesisError(f"espeak-ng failed for {path}: {exc}") from exc
        log.info("synthesised warning clip %s", path)
