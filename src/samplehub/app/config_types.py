"""The building blocks of the settings tree: a strict section, lists written ``a,b,c``."""

from __future__ import annotations

from typing import Annotated

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
