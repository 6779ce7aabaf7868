"""Types shared by every module's schemas."""

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    model_validator,
)

from crewup.core import clock
from crewup.core.marks import N_
from crewup.core.text import CONTROL_BUT_LINES, NOT_PLAIN_TEXT

UtcTimestamp = Annotated[datetime, PlainSerializer(clock.isoformat, return_type=str)]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# Characters that show nothing: format characters (zero-width spaces and joiners,
# direction marks), separators, lone combining marks, and the blank "letters" used to
# fake an empty name (Hangul fillers, the braille blank).
_BLANK_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


# Embeddings and overrides turn the text that follows around ("\u202eevil" shows as
# "live"): in a name or a title, a way to pass for someone or something else. The marks
# U+200E/U+200F and the isolates U+2066-2069, which Unicode recommends for mixing
# right-to-left and left-to-right words, are kept.
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e]")


def _shows_something(value: str) -> bool:
    return any(
        c not in _BLANK_LETTERS and unicodedata.category(c) not in _BLANK_CATEGORIES for c in value
    )


def _one_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(N_("must be a single line of text, without tabs or control characters"))
    if _DIRECTION_CONTROLS.search(value):
        raise ValueError(N_("must not hold characters that turn the text's direction around"))
    if value and not _shows_something(value):
        # A name nobody can see impersonates "nobody" in lists, chat and mentions.
        raise ValueError(N_("must show at least one visible character"))
    return value


def _plain_text(value: str) -> str:
    if CONTROL_BUT_LINES.search(value):
        raise ValueError(NOT_PLAIN_TEXT)
    return value


# Markers for Annotated[str, StringConstraints(...), ONE_LINE]: names, titles, places are
# one line without control characters (they would break calendar files, e-mail subjects
# and headers later); descriptions and bodies may hold line breaks and tabs, nothing else.
ONE_LINE = AfterValidator(_one_line)
PLAIN_TEXT = AfterValidator(_plain_text)


def _not_a_flag(value: Any) -> Any:
    # pydantic takes true for 1 where a number is asked: "capacity": true made one seat.
    if isinstance(value, bool):
        raise ValueError(N_("must be a number"))
    return value


# Marker for Annotated[int, ..., NUMBER]: a number, never true or false.
NUMBER = BeforeValidator(_not_a_flag)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid", str_max_length=10_000)

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        # PostgreSQL cannot store NUL in text; refuse it here, the same on every engine.
        if isinstance(data, dict):
            for key, value in data.items():
                if _has_nul(value):
                    raise ValueError(f"{key}: text may not contain NUL characters")
        return data
