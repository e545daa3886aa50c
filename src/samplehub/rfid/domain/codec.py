"""LLRP binary encoding (EPCglobal LLRP 1.0.1 clause 16): messages and parameters to bytes and back.

A message is a 10-byte header (3 reserved bits, 3-bit version, 10-bit type; 32-bit length of the
whole message; 32-bit id) followed by its fixed fields and parameters. A TLV parameter starts
with 6 reserved bits, a 10-bit type and a 16-bit length that counts its own header; a TV
parameter is one byte with the high bit set and a 7-bit type, then a value of a size fixed by
its type. Parameters the codec has no layout for are kept as raw bytes, so ``decode(encode(m))
== m`` holds for every message this module can build or read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import NamedTuple

from samplehub.core.domain.errors import SampleHubError
from samplehub.rfid.domain.schema import MESSAGES, TLV_PARAMETERS, TV_PARAMETERS

HEADER = struct.Struct(">HII")
HEADER_SIZE = HEADER.size  # 10
VERSIONS = (1, 2)  # 1: LLRP 1.0.1, 2: LLRP 1.1
MAX_MESSAGE = 16 * 1024 * 1024  # the longest message a client accepts (no real report is near)

_INTS = {
    "u8": struct.Struct(">B"),
    "u16": struct.Struct(">H"),
    "u32": struct.Struct(">I"),
    "u64": struct.Struct(">Q"),
    "s8": struct.Struct(">b"),
    "s16": struct.Struct(">h"),
}
_U16 = _INTS["u16"]
_TLV_HEAD = struct.Struct(">HH").unpack_from
_TV_INTS = {(1, False): ">B", (2, False): ">H", (4, False): ">I", (8, False): ">Q", (1, True): ">b"}
# lead byte of a TV parameter -> (type, value size, unpacker; None for the 12-byte EPC-96)
_TV_BY_LEAD = {
    0x80 | t: (t, size, None if size == 12 else struct.Struct(_TV_INTS[(size, signed)]).unpack_from)
    for t, (_, size, signed) in TV_PARAMETERS.items()
}


class LlrpDecodeError(SampleHubError, ValueError):
    """Bytes that are not a well-formed LLRP message: where (byte offset) and what is wrong."""

    def __init__(self, offset: int, reason: str) -> None:
        self.offset = offset
        self.reason = reason
        super().__init__(f"at byte {offset}: {reason}")


@dataclass(frozen=True)
class Bits:
    """A bit array field: its length in bits and the bytes that carry it (padded with zeros)."""

    length: int
    data: bytes


Value = int | str | bytes | tuple[int, ...] | Bits


class Param(NamedTuple):
    """One parameter: its type, its fixed fields in the standard's order, its sub-parameters.

    ``raw`` holds the body of a TLV parameter whose layout the codec does not know. (A named
    tuple: a report of a thousand tags holds thousands of them, and a tuple is built fastest.)
    """

    type: int
    fields: tuple[Value, ...] = ()
    children: tuple[Param, ...] = ()
    raw: bytes | None = None

    def first(self, param_type: int) -> Param | None:
        """The first sub-parameter of a type, or None."""
        return next((c for c in self.children if c.type == param_type), None)

    def all(self, param_type: int) -> list[Param]:
        return [c for c in self.children if c.type == param_type]


@dataclass(frozen=True)
class LlrpMessage:
    """One LLRP message: type number, id, fixed fields, parameters and protocol version."""

    type: int
    id: int
    fields: tuple[Value, ...] = ()
    params: tuple[Param, ...] = ()
    version: int = 1

    def first(self, param_type: int) -> Param | None:
        return next((p for p in self.params if p.type == param_type), None)

    def all(self, param_type: int) -> list[Param]:
        return [p for p in self.params if p.type == param_type]


# -- encoding ---------------------------------------------------------------------------------


def encode_message(message: LlrpMessage) -> bytes:
    """The bytes of a message; raises ValueError naming the field whose value does not fit."""
    if message.type not in MESSAGES:
        raise ValueError(f"message type {message.type} is not one this codec can encode")
    if message.version not in VERSIONS or not 0 <= message.id <= 0xFFFFFFFF:
        raise ValueError(f"version {message.version} / id {message.id}: allowed 1-2 / 0-2^32-1")
    layout = MESSAGES[message.type][1]
    body = _encode_fields(layout, message.fields, MESSAGES[message.type][0])
    body += b"".join(encode_param(p) for p in message.params)
    first = (message.version << 10) | message.type
    return HEADER.pack(first, HEADER_SIZE + len(body), message.id) + body


def encode_param(param: Param) -> bytes:
    """The bytes of one parameter (TV or TLV by its type)."""
    if param.type < 128:
        return _encode_tv(param)
    if param.raw is not None:
        body = param.raw
    else:
        if param.type not in TLV_PARAMETERS:
            raise ValueError(f"parameter type {param.type} has no layout; give its raw bytes")
        name, layout = TLV_PARAMETERS[param.type]
        body = _encode_fields(layout, param.fields, name)
        body += b"".join(encode_param(c) for c in param.children)
    if not 128 <= param.type <= 1023 or len(body) + 4 > 0xFFFF:
        raise ValueError(f"parameter type {param.type} / length {len(body) + 4}: out of range")
    return _U16.pack(param.type) + _U16.pack(len(body) + 4) + body


def _encode_tv(param: Param) -> bytes:
    if param.type not in TV_PARAMETERS or len(param.fields) != 1 or param.children:
        raise ValueError(f"TV parameter {param.type}: one value of a known TV type expected")
    name, size, signed = TV_PARAMETERS[param.type]
    value = param.fields[0]
    head = bytes([0x80 | param.type])
    if size == 12:
        if not isinstance(value, bytes) or len(value) != 12:
            raise ValueError(f"{name}: {value!r} is not 12 bytes")
        return head + value
    if not isinstance(value, int):
        raise ValueError(f"{name}: {value!r} is not an integer")
    try:
        return head + struct.pack(_TV_INTS[(size, signed)], value)
    except struct.error as error:
        raise ValueError(f"{name}: {value} does not fit in {size} bytes") from error


def _encode_fields(layout: tuple[str, ...], values: tuple[Value, ...], name: str) -> bytes:
    if len(values) != len(layout):
        raise ValueError(f"{name}: {len(values)} fields given, {len(layout)} expected")
    out = bytearray()
    for kind, value in zip(layout, values, strict=True):
        out += _encode_field(kind, value, name)
    return bytes(out)


def _encode_field(kind: str, value: Value, name: str) -> bytes:
    try:
        if kind in _INTS and isinstance(value, int) and not isinstance(value, bool):
            return _INTS[kind].pack(value)
        if kind == "utf8" and isinstance(value, str):
            data = value.encode("utf-8")
            return _U16.pack(len(data)) + data
        if kind in ("u8v", "u16v") and isinstance(value, tuple):
            fmt = "B" if kind == "u8v" else "H"
            return _U16.pack(len(value)) + struct.pack(f">{len(value)}{fmt}", *value)
        if kind == "bits" and isinstance(value, Bits):
            if len(value.data) != (value.length + 7) // 8:
                raise ValueError(
                    f"{name}: {value.length} bits need {(value.length + 7) // 8} bytes"
                )
            return _U16.pack(value.length) + value.data
    except struct.error as error:
        raise ValueError(f"{name}: {value!r} does not fit a {kind} field") from error
    raise ValueError(f"{name}: {value!r} is not a {kind} field value")


# -- decoding ---------------------------------------------------------------------------------


def decode_header(data: bytes, offset: int = 0) -> tuple[int, int, int, int]:
    """``(version, type, length, id)`` of the header at ``offset``; checks version and length."""
    if len(data) - offset < HEADER_SIZE:
        raise LlrpDecodeError(offset, f"truncated header: {len(data) - offset} of 10 bytes")
    first, length, message_id = HEADER.unpack_from(data, offset)
    version = (first >> 10) & 0x7
    if first >> 13 or version not in VERSIONS:
        raise LlrpDecodeError(offset, f"not an LLRP header: first word 0x{first:04x}")
    if not HEADER_SIZE <= length <= MAX_MESSAGE:
        raise LlrpDecodeError(offset, f"message length {length}: allowed 10..{MAX_MESSAGE}")
    return version, first & 0x3FF, length, message_id


def decode_message(data: bytes, offset: int = 0) -> LlrpMessage:
    """The message at ``offset``; it must be complete and its parameters fill it exactly."""
    version, message_type, length, message_id = decode_header(data, offset)
    end = offset + length
    if end > len(data):
        raise LlrpDecodeError(
            offset, f"truncated message: header says {length} bytes, {len(data) - offset} present"
        )
    if message_type not in MESSAGES:
        raise LlrpDecodeError(offset, f"unknown message type {message_type}")
    name, layout = MESSAGES[message_type]
    fields, pos = _decode_fields(data, offset + HEADER_SIZE, end, layout, name)
    params = _decode_params(data, pos, end)
    return LlrpMessage(message_type, message_id, fields, params, version)


def _decode_params(data: bytes, pos: int, end: int) -> tuple[Param, ...]:
    """The parameters from ``pos`` to ``end``; TV parameters (most of a tag report) inline."""
    params: list[Param] = []
    append = params.append
    new = tuple.__new__
    while pos < end:
        lead = data[pos]
        if not lead & 0x80:
            param, pos = _decode_tlv(data, pos, end)
            append(param)
            continue
        tv = _TV_BY_LEAD.get(lead)
        if tv is None:
            raise LlrpDecodeError(pos, f"unknown TV parameter type {lead & 0x7F}")
        param_type, size, unpack = tv
        stop = pos + 1 + size
        if stop > end:
            raise LlrpDecodeError(pos, f"TV parameter {param_type}: value runs past its container")
        value = data[pos + 1 : stop] if unpack is None else unpack(data, pos + 1)[0]
        append(new(Param, (param_type, (value,), (), None)))
        pos = stop
    return tuple(params)


def _decode_tlv(data: bytes, pos: int, end: int) -> tuple[Param, int]:
    if pos + 4 > end:
        raise LlrpDecodeError(pos, f"truncated parameter header: {end - pos} of 4 bytes")
    first, length = _TLV_HEAD(data, pos)
    param_type = first & 0x3FF
    stop = pos + length
    if length < 4 or stop > end:
        raise LlrpDecodeError(
            pos, f"parameter type {param_type}: length {length} allowed 4..{end - pos}"
        )
    known = TLV_PARAMETERS.get(param_type)
    if known is None:
        return Param(param_type, raw=bytes(data[pos + 4 : stop])), stop
    if known[1]:
        fields, body = _decode_fields(data, pos + 4, stop, known[1], known[0])
    else:
        fields, body = (), pos + 4
    return Param(param_type, fields, _decode_params(data, body, stop) if body < stop else ()), stop


def _decode_fields(
    data: bytes, pos: int, end: int, layout: tuple[str, ...], name: str
) -> tuple[tuple[Value, ...], int]:
    values: list[Value] = []
    for kind in layout:
        start = pos
        codec = _INTS.get(kind)
        if codec is not None:
            pos += codec.size
            if pos > end:
                raise LlrpDecodeError(start, f"{name}: {kind} field runs past the end")
            values.append(codec.unpack_from(data, start)[0])
            continue
        if start + 2 > end:
            raise LlrpDecodeError(start, f"{name}: {kind} count runs past the end")
        count = _U16.unpack_from(data, start)[0]
        pos = start + 2
        size = {"utf8": count, "u8v": count, "u16v": 2 * count, "bits": (count + 7) // 8}[kind]
        if pos + size > end:
            raise LlrpDecodeError(start, f"{name}: {kind} of {count} runs past the end")
        chunk = bytes(data[pos : pos + size])
        pos += size
        if kind == "utf8":
            try:
                values.append(chunk.decode("utf-8"))
            except UnicodeDecodeError as error:
                raise LlrpDecodeError(start, f"{name}: text is not UTF-8") from error
        elif kind == "u8v":
            values.append(tuple(chunk))
        elif kind == "u16v":
            values.append(struct.unpack(f">{count}H", chunk))
        else:
            values.append(Bits(count, chunk))
    return tuple(values), pos


def iter_stream(data: bytes) -> list[LlrpMessage | LlrpDecodeError]:
    """Every message of a captured byte stream, in order; a malformed stretch is one error.

    After a bad stretch (garbage, a wrong length, a truncated or unknown message) reading goes
    on at the next offset where a whole known message decodes. Each error carries the offset
    where the bad stretch starts.
    """
    out: list[LlrpMessage | LlrpDecodeError] = []
    pos = 0
    while pos < len(data):
        try:
            out.append(decode_message(data, pos))
        except LlrpDecodeError as error:
            out.append(LlrpDecodeError(pos, error.reason))
            pos = _resync(data, pos + 1)
        else:
            pos += HEADER.unpack_from(data, pos)[1]
    return out


def _resync(data: bytes, pos: int) -> int:
    """The next offset at which a whole known message decodes, or the end of the data."""
    while pos + HEADER_SIZE <= len(data):
        try:
            decode_message(data, pos)
        except LlrpDecodeError:
            pos += 1
            continue
        return pos
    return len(data)
