"""The lane's warning clips: synthesised once with the eSpeak NG library (Mandarin voice `cmn`, 160
words a minute), kept in the data folder as `<folder>/<lane>/<level>.wav`, and never overwritten, so
an operator replaces a clip by putting their own recording (16-bit WAV) at that path.

The library and its voice data come from the `espeakng-loader` wheel and are called through ctypes,
so no system package is needed. libespeak-ng keeps its state in the process: it is initialised once,
on the first clip, and every synthesis holds a module-wide lock."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys
import threading
import wave
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from laneguard.warning.domain.voice import WarningLevel
from laneguard.warning.service.ports import SpeakerError

log = logging.getLogger(__name__)

DEFAULT_TEXTS = {
    WarningLevel.FIRST: "注意！{lane}号车道禁止行人和非机动车进入，请立即离开车道。",
    WarningLevel.STRONG: "警告！{lane}号车道有车辆通行，非常危险！请马上离开！工作人员正在赶来。",
}
SPEECH_RATE_WPM = 160

# From espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2  # the callback gets every sample before espeak_Synth returns
_INITIALIZE_DONT_EXIT = 0x8000  # without it, missing voice data makes the library call exit(1)
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_EE_OK = 0
_ERRORS = {-1: "internal error", 1: "buffer full", 2: "not found"}

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class ClipSynthesisError(RuntimeError):
    pass


class _EspeakError(RuntimeError):
    pass


class _Espeak:
    """libespeak-ng in synchronous mode; one per process, used only under `_LOCK`."""

    def __init__(self) -> None:
        try:
            import espeakng_loader  # type: ignore[import-untyped]

            data = Path(espeakng_loader.get_data_path())
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
        except (ImportError, OSError, RuntimeError) as exc:
            raise _EspeakError(
                f"libespeak-ng from espeakng-loader cannot be loaded: {exc}"
            ) from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,  # text
            ctypes.c_size_t,  # size
            ctypes.c_uint,  # position
            ctypes.c_int,  # position_type
            ctypes.c_uint,  # end_position
            ctypes.c_uint,  # flags
            ctypes.c_void_p,  # unique_identifier
            ctypes.c_void_p,  # user_data
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        # The path is the folder that holds espeak-ng-data, as speak_lib.h asks.
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, os.fsencode(data.parent), _INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise _EspeakError(f"libespeak-ng could not read its voice data in {data}")
        self._lib = lib
        self.sample_rate: int = rate
        self._chunks: list[bytes] = []
        self._callback = _SynthCallback(self._collect)  # kept alive as long as the library uses it
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: Any, count: int, _events: int | None) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # continue

    def speak(self, text: str, voice: str) -> bytes:
        """Little-endian 16-bit mono samples at `sample_rate`."""
        status = self._lib.espeak_SetVoiceByName(voice.encode())
        if status != _EE_OK:
            raise _EspeakError(f"no eSpeak NG voice {voice!r} ({_ERRORS.get(status, status)})")
        status = self._lib.espeak_SetParameter(_ESPEAK_RATE, SPEECH_RATE_WPM, 0)
        if status != _EE_OK:
            raise _EspeakError(f"speech rate refused ({_ERRORS.get(status, status)})")
        encoded = text.encode()
        self._chunks = []
        try:
            status = self._lib.espeak_Synth(
                encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            pcm = b"".join(self._chunks)
        finally:
            self._chunks = []
        if status != _EE_OK:
            raise _EspeakError(f"synthesis failed ({_ERRORS.get(status, status)})")
        if not pcm:
            raise _EspeakError("synthesis produced no audio")
        if sys.byteorder == "big":
            samples = array("h", pcm)
            samples.byteswap()
            pcm = samples.tobytes()
        return pcm


_LOCK = threading.Lock()
_engine: _Espeak | None = None


def _synthesise_pcm(text: str, voice: str) -> tuple[int, bytes]:
    """(sample rate, samples); initialises the library on first use."""
    global _engine  # the library itself is process-global
    with _LOCK:
        if _engine is None:
            _engine = _Espeak()
        return _engine.sample_rate, _engine.speak(text, voice)


class EspeakClipLibrary:
    def __init__(
        self,
        folder: Path,
        texts: dict[WarningLevel, str] | None = None,
        voice: str = "cmn",
    ) -> None:
        self.folder = folder
        self.texts = texts or DEFAULT_TEXTS
        self.voice = voice

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
        try:
            rate, pcm = _synthesise_pcm(text, self.voice)
        except _EspeakError as exc:
            raise ClipSynthesisError(
                f"cannot synthesise warning clip {path}: {exc}; put a recording (16-bit WAV) there"
            ) from exc
        # Written whole under another name first, so a crash never leaves a truncated clip that
        # would then be kept for good.
        partial = path.with_name(f".{path.name}.partial")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with wave.open(str(partial), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes(pcm)
            os.replace(partial, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            raise ClipSynthesisError(f"cannot write warning clip {path}: {exc}") from exc
        log.info("synthesised warning clip %s (%.1f s)", path, len(pcm) / 2 / rate)
