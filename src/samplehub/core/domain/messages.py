"""Catalogue message ids the domain hands to the edges, which translate them (gettext, Babel).

The domain never holds a sentence in one language: it names a message id of the catalogue in
``samplehub/web/locale`` and the values to fill in (``%(name)s`` in the catalogue's texts). Every
id starts with the slice that defines it (``core.``, ``intake.``, ``pickup.`` …), so two slices
can never claim the same one. ``Message(...)`` and ``message_id(...)`` calls are what
``make i18n-extract`` finds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """A message id of the catalogue with the values its text names."""

    id: str
    params: Mapping[str, object] = field(default_factory=dict)


def message_id(msgid: str) -> str:
    """Marks a literal message id for extraction where it is stored before it is translated."""
    return msgid
