"""G.711 companding and RTP packetisation."""

from __future__ import annotations

import math
import struct

import pytest

from laneguard.warning.adapters.audio import (
    Pcm,
    alaw_decode,
    alaw_encode,
    decode_g711,
    encode_g711,
    mulaw_decode,
    mulaw_encode,
    read_wav,
    resample,
    write_wav,
)
from laneguard.warning.adapters.speakers import rtp_packets


def test_reference_code_words() -> None:
    assert mulaw_encode(0) == 0xFF
    assert mulaw_encode(32767) == 0x80
    assert mulaw_encode(-32768) == 0x00
    assert alaw_encode(0) == 0xD5
    assert alaw_encode(-1) == 0x55
    assert mulaw_decode(0xFF) == 0
    assert alaw_decode(0xD5) == 8


@pytest.mark.parametrize("law", ["pcmu", "pcma"])
def test_round_trip_keeps_a_tone_at_telephone_quality(law: str) -> None:
    tone = [int(12000 * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(800)]
    back = decode_g711(encode_g711(tone, law), law)
    signal = sum(s * s for s in tone)
    noise = sum((a - b) ** 2 for a, b in zip(tone, back, strict=True))
    assert 10 * math.log10(signal / noise) > 30


@pytest.mark.parametrize("law", ["pcmu", "pcma"])
def test_every_code_word_survives_decode_encode(law: str) -> None:
    for code in range(256):
        value = decode_g711(bytes([code]), law)[0]
        again = encode_g711([value], law)[0]
        if law == "pcmu" and code == 0x7F:
            assert again == 0xFF  # mu-law's negative zero decodes to 0
        else:
            assert again == code


def test_rtp_headers_sequence_timestamp_marker_and_wrap() -> None:
    packets = rtp_packets(bytes(400), 8, ssrc=0xDEADBEEF, first_seq=0xFFFF, first_timestamp=0)
    assert [len(p) for p in packets] == [172, 172, 92]
    heads = [struct.unpack("!BBHII", p[:12]) for p in packets]
    assert heads[0] == (0x80, 0x80 | 8, 0xFFFF, 0, 0xDEADBEEF)
    assert heads[1] == (0x80, 8, 0, 160, 0xDEADBEEF)
    assert heads[2][2:4] == (1, 320)


def test_wav_resample_to_8k() -> None:
    pcm = Pcm(22050, [1000] * 22050)
    out = resample(read_wav(write_wav(pcm)), 8000)
    assert out.rate == 8000
    assert len(out.samples) == 8000
    assert set(out.samples) == {1000}


def test_non_wav_clip_is_refused_plainly() -> None:
    with pytest.raises(ValueError, match="not a readable WAV"):
        read_wav(b"MP3 bytes")
