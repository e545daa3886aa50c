"""The building blocks of the settings tree: a strict section, lists written ``a,b,c``, a
field holding one of several typed configs chosen by ``type``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_settings import NoDecode


def comma_separated(value: object) -> object:
    """A list also written as ``a,b,c`` (how an environment variable gives one)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


CommaList = Annotated[list[str], NoDecode, BeforeValidator(comma_separated)]
DayList = Annotated[
    list[Annotated[int, Field(ge=1, le=366)]], NoDecode, BeforeValidator(comma_separated)
]


class Section(BaseModel):
    """A part of the tree: an unknown key is an error naming it, not a silent default."""

    model_config = ConfigDict(extra="forbid")


def chosen_by_type(
    choices: object, default: Callable[[], Section], what: str, whose: str = "its"
) -> Any:
    """A field holding one of the configs of ``choices`` (an ``Annotated`` union discriminated
    by ``type``), ``default()`` when unset; its description names the kinds, in order."""
    union = get_args(choices)[0]
    kinds = [member.model_fields["type"].default for member in get_args(union)]
    listed = f"{', '.join(kinds[:-1])} or {kinds[-1]}"
    return Field(default_factory=default, description=f"{what}, chosen by {whose} type: {listed}")
