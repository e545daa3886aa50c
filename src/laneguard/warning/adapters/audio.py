"""Audio plumbing for the voice warnings: WAV in and out, resampling to telephone rate, and
G.711 companding (ITU-T G.711, mu-law for PCMU and A-law for PCMA), written from the standard
because the standard library's audioop is deprecated."""

from __future__ import annotations

import io
import struct
import wave
from dataclasses import dataclass

TELEPHONE_RATE = 8000
_MU_BIAS = 0x84
_MU_CLIP = 32635


@dataclass(frozen=True)
class Pcm:
    """Mono signed 16-bit samples at `rate` Hz."""

    rate: int
    samples: list[int]

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def read_wav(data: bytes) -> Pcm:
    """Mono or stereo 16-bit WAV to mono PCM; anything else is refused with what it was."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"clip is not a readable WAV file: {exc}") from exc
    if width != 2 or channels not in (1, 2):
        raise ValueError(
            f"clip has {channels} channels of {8 * width}-bit samples; 16-bit mono or stereo needed"
        )
    values = list(struct.unpack(f"<{len(frames) // 2}h", frames))
    if channels == 2:
        values = [(values[i] + values[i + 1]) // 2 for i in range(0, len(values) - 1, 2)]
    return Pcm(rate, values)


def write_wav(pcm: Pcm) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(pcm.rate)
        w.writeframes(struct.pack(f"<{len(pcm.samples)}h", *pcm.samples))
    return out.getvalue()


def resample(pcm: Pcm, rate: int) -> Pcm:
    """Linear interpolation; espeak-ng's 22.05 kHz speech loses nothing it needs at 8 kHz."""
    if pcm.rate == rate or not pcm.samples:
        return Pcm(rate, list(pcm.samples))
    src = pcm.samples
    n_out = int(len(src) * rate / pcm.rate)
    step = pcm.rate / rate
    out: list[int] = []
    last = len(src) - 1
    for i in range(n_out):
        pos = i * step
        j = int(pos)
        frac = pos - j
        a = src[j]
        b = src[j + 1] if j < last else a
        out.append(int(a + (b - a) * frac))
    return Pcm(rate, out)


def mulaw_encode(sample: int) -> int:
    sign = 0
    if sample < 0:
        sample = -sample
        sign = 0x80
    sample = min(sample, _MU_CLIP) + _MU_BIAS
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not sample & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def mulaw_decode(byte: int) -> int:
    byte = ~byte & 0xFF
    exponent = (byte >> 4) & 0x07
    magnitude = ((((byte & 0x0F) << 3) + _MU_BIAS) << exponent) - _MU_BIAS
    return -magnitude if byte & 0x80 else magnitude


def alaw_encode(sample: int) -> int:
    if sample >= 0:
        mask = 0xD5
        magnitude = sample >> 3
    else:
        mask = 0x55
        magnitude = (-sample - 1) >> 3
    magnitude = min(magnitude, 0x0FFF)
    if magnitude < 32:
        segment, mantissa = 0, magnitude >> 1
    else:
        segment = magnitude.bit_length() - 5
        mantissa = (magnitude >> segment) & 0x0F
    return ((segment << 4) | mantissa) ^ mask


def alaw_decode(byte: int) -> int:
    byte ^= 0x55
    segment = (byte >> 4) & 0x07
    mantissa = byte & 0x0F
    step = (mantissa << 4) + (8 if segment == 0 else 0x108)
    magnitude = step if segment == 0 else step << (segment - 1)
    return magnitude if byte & 0x80 else -magnitude


_MU_TABLE = bytes(mulaw_encode(s - 32768) for s in range(65536))
_A_TABLE = bytes(alaw_encode(s - 32768) for s in range(65536))


def encode_g711(samples: list[int], law: str) -> bytes:
    """16-bit samples to G.711 bytes; `law` is "pcmu" (mu-law) or "pcma" (A-law)."""
    table = _MU_TABLE if law == "pcmu" else _A_TABLE
    return bytes(table[max(-32768, min(32767, s)) + 32768] for s in samples)


def decode_g711(data: bytes, law: str) -> list[int]:
    decode = mulaw_decode if law == "pcmu" else alaw_decode
    return [decode(b) for b in data]
