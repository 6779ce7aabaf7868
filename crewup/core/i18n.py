"""Languages: which one the running task speaks, and its catalogue.

A page request speaks its reader's language (crewup.web.page_locale), an API request the
one its `Accept-Language` asks for where a field is human text, and the worker the
recipient's (`users.locale`) while it writes a mail or a push. The translations sit in a
context variable: aiohttp runs every request in its own task, and a task works on its own
copy of the context, so two requests in different languages never see each other's.
Catalogues load once per process and are shared (they are read-only). Machine-facing
API fields stay English whatever the language.

Catalogues are compiled at install (`make`, the Dockerfile). A checkout run without that
step compiles the `.po` in memory on first use, so it still speaks every language; only
when the catalogue cannot be read at all does it fall back to English, with one warning.
"""

from __future__ import annotations

import gettext as gettext_module
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from crewup.core.languages import DEFAULT, LANGUAGES
from crewup.core.marks import N_, Said

__all__ = [
    "DEFAULT",
    "N_",
    "SUPPORTED",
    "activate",
    "counted",
    "current_locale",
    "gettext",
    "negotiate",
    "ngettext",
    "speaking",
    "spoken",
]

log = logging.getLogger("crewup.i18n")

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
SUPPORTED = LANGUAGES  # each but English has a complete catalogue

_ENGLISH = gettext_module.NullTranslations()
_current: ContextVar[gettext_module.NullTranslations] = ContextVar(
    "crewup_translations", default=_ENGLISH
)
_current_locale: ContextVar[str] = ContextVar("crewup_locale", default=DEFAULT)


def _compiled(lang: str) -> io.BytesIO | None:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    mo = folder / "messages.mo"
    if mo.exists():
        return io.BytesIO(mo.read_bytes())
    po = folder / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    log.warning(
        "no compiled catalogue: compiled it in memory (`make install` compiles it once)",
        extra={"locale": lang},
    )
    return compiled


@cache
def translations(lang: str) -> gettext_module.NullTranslations:
    """The catalogue of a supported language, loaded once per process."""
    if lang == DEFAULT or lang not in SUPPORTED:
        return _ENGLISH
    try:
        compiled = _compiled(lang)
        return gettext_module.GNUTranslations(compiled) if compiled else _ENGLISH
    except Exception as exc:  # a missing or broken catalogue must not take pages down
        log.warning(
            "no usable catalogue; pages in this language fall back to English",
            extra={"locale": lang, "reason": f"{type(exc).__name__}: {exc}"[:300]},
        )
        return _ENGLISH


def parse_accept_language(header: str) -> list[str]:
    """Language tags of an `Accept-Language` header, most wanted first (q-values)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(*choices: str | None, accept_language: str = "") -> str:
    """The first supported language among explicit choices (a setting, a cookie), then
    the browser's ranking, then English. "fr-CA" counts as "fr"."""
    for choice in (*choices, *parse_accept_language(accept_language)):
        if not choice:
            continue
        primary = choice.lower().replace("_", "-").split("-")[0]
        if primary in SUPPORTED:
            return primary
    return DEFAULT


def activate(lang: str) -> None:
    """Make `lang` the language of the running request (its task's context)."""
    _current_locale.set(lang)
    _current.set(translations(lang))


def current_locale() -> str:
    return _current_locale.get()


def gettext(message: str) -> str:
    return _current.get().gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    return _current.get().ngettext(singular, plural, number)


def counted(singular: str, plural: str, number: int) -> str:
    """ngettext for templates, whose counts are `%(num)s`: the count is written the
    language's way ("1,234 members", "1 234 membres"), the form chosen by the number."""
    text = ngettext(singular, plural, number)
    return text.replace("%(num)s", format_decimal(number, locale=current_locale()))


@contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Speak `lang` (English when unknown or None) inside the block, then what was before:
    the worker writes each recipient's mail in their own language."""
    chosen = negotiate(lang)
    locale_token = _current_locale.set(chosen)
    token = _current.set(translations(chosen))
    try:
        yield chosen
    finally:
        _current.reset(token)
        _current_locale.reset(locale_token)


def spoken(text: str) -> str:
    """A service's English message (marked with N_) in the running language; text that is
    not in the catalogue (a name, an unmarked message) as it is."""
    if not text:
        return text  # gettext("") is the catalogue's header
    if isinstance(text, Said):
        said = gettext(text.msgid)
        return said % {k: spoken(v) if isinstance(v, Said) else v for k, v in text.params.items()}
    return gettext(text)
