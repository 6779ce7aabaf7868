"""A marker for words that are stored or listed in English (labels, choices, a service's
messages) and said in the reader's language later (crewup.core.i18n.spoken): `make
messages` extracts every `N_("...")`, and nothing is translated where it stands.

A message with values names them: `N_("report %(id)s is already resolved", id=7)` is the
English text (what the API shows) that still knows its catalogue entry and values."""

from __future__ import annotations

from typing import Any


class Said(str):
    """English text, plus the catalogue entry and values to say it in another language."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any]) -> Said:
        said = super().__new__(cls, msgid % params)
        said.msgid = msgid
        said.params = params
        return said

    def __reduce__(self) -> tuple[type[Said], tuple[str, dict[str, Any]]]:
        return (Said, (self.msgid, self.params))


def N_(message: str, /, **params: Any) -> str:
    return Said(message, params) if params else message


def W_(value: str) -> str:
    """A stored or listed word (a status, a kind of thing) placed in a message: said in
    the reader's language with it. The word itself is marked where it is listed."""
    return Said(value.replace("%", "%%"), {})
