"""Property: every message the schema can describe survives encode → decode unchanged."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from samplehub.rfid.domain import schema as s
from samplehub.rfid.domain.codec import (
    Bits,
    LlrpMessage,
    Param,
    Value,
    decode_message,
    encode_message,
    iter_stream,
)

_INT_RANGES = {
    "u8": (0, 2**8 - 1),
    "u16": (0, 2**16 - 1),
    "u32": (0, 2**32 - 1),
    "u64": (0, 2**64 - 1),
    "s8": (-(2**7), 2**7 - 1),
    "s16": (-(2**15), 2**15 - 1),
}


def _bits() -> st.SearchStrategy[Bits]:
    return st.integers(0, 200).flatmap(
        lambda n: st.binary(min_size=(n + 7) // 8, max_size=(n + 7) // 8).map(
            lambda data: Bits(n, data)
        )
    )


def _field(kind: str) -> st.SearchStrategy[Value]:
    if kind in _INT_RANGES:
        low, high = _INT_RANGES[kind]
        return st.integers(low, high)
    if kind == "utf8":
        return st.text(max_size=20)
    if kind == "u8v":
        return st.lists(st.integers(0, 255), max_size=8).map(tuple)
    if kind == "u16v":
        return st.lists(st.integers(0, 2**16 - 1), max_size=8).map(tuple)
    return _bits()


def _tv() -> st.SearchStrategy[Param]:
    def make(param_type: int) -> st.SearchStrategy[Param]:
        _, size, signed = s.TV_PARAMETERS[param_type]
        if size == 12:
            value: st.SearchStrategy[Value] = st.binary(min_size=12, max_size=12)
        elif signed:
            value = st.integers(-128, 127)
        else:
            value = st.integers(0, 2 ** (8 * size) - 1)
        return value.map(lambda v: Param(param_type, (v,)))

    return st.sampled_from(sorted(s.TV_PARAMETERS)).flatmap(make)


def _fields(layout: tuple[str, ...]) -> st.SearchStrategy[tuple[Value, ...]]:
    return st.tuples(*(_field(kind) for kind in layout))


def _tlv(children: st.SearchStrategy[list[Param]]) -> st.SearchStrategy[Param]:
    def make(param_type: int) -> st.SearchStrategy[Param]:
        layout = s.TLV_PARAMETERS[param_type][1]
        return st.builds(lambda f, c: Param(param_type, f, tuple(c)), _fields(layout), children)

    known = st.sampled_from(sorted(s.TLV_PARAMETERS)).flatmap(make)
    raw = st.builds(
        lambda t, body: Param(t, raw=body), st.integers(400, 1023), st.binary(max_size=30)
    )
    return known | raw


PARAMS = st.recursive(_tv(), lambda inner: _tlv(st.lists(inner, max_size=3)), max_leaves=12)


@st.composite
def llrp_messages(draw: st.DrawFn) -> LlrpMessage:
    message_type = draw(st.sampled_from(sorted(s.MESSAGES)))
    layout = s.MESSAGES[message_type][1]
    return LlrpMessage(
        message_type,
        draw(st.integers(0, 2**32 - 1)),
        draw(_fields(layout)),
        tuple(draw(st.lists(PARAMS, max_size=4))),
        draw(st.sampled_from((1, 2))),
    )


@settings(max_examples=300, deadline=None)
@given(llrp_messages())
def test_encode_then_decode_is_the_identity(message: LlrpMessage) -> None:
    assert decode_message(encode_message(message)) == message


@settings(max_examples=100, deadline=None)
@given(st.lists(llrp_messages(), min_size=1, max_size=4))
def test_a_stream_of_messages_decodes_message_by_message(messages: list[LlrpMessage]) -> None:
    data = b"".join(encode_message(msg) for msg in messages)
    assert iter_stream(data) == messages


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash_the_stream_reader(data: bytes) -> None:
    for item in iter_stream(data):
        assert isinstance(item, LlrpMessage) or 0 <= item.offset < max(1, len(data))
