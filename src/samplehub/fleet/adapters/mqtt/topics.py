"""MQTT topic-filter matching (``+`` one level, ``#`` the rest), shared by both transports."""

from __future__ import annotations


def matches(topic_filter: str, name: str) -> bool:
    want = topic_filter.split("/")
    have = name.split("/")
    for i, part in enumerate(want):
        if part == "#":
            return True
        if i >= len(have) or (part != "+" and part != have[i]):
            return False
    return len(want) == len(have)
