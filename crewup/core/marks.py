"""A marker for words that are stored or listed in English (labels, choices) and said in
the reader's language later, on a page (crewup.web.i18n): `make messages` extracts every
`N_("...")`, and nothing is translated where it stands."""

from __future__ import annotations


def N_(message: str) -> str:
    return message
