"""The pages' side of languages; the machinery is crewup.core.i18n, shared with the worker
(mail and push in the recipient's language) and the services' messages."""

from __future__ import annotations

from crewup.core.i18n import (
    DEFAULT,
    LOCALE_DIR,
    N_,
    SUPPORTED,
    activate,
    counted,
    current_locale,
    gettext,
    negotiate,
    ngettext,
    parse_accept_language,
    speaking,
    spoken,
    translations,
)

__all__ = [
    "DEFAULT",
    "LOCALE_DIR",
    "N_",
    "SUPPORTED",
    "activate",
    "counted",
    "current_locale",
    "gettext",
    "negotiate",
    "ngettext",
    "parse_accept_language",
    "speaking",
    "spoken",
    "translations",
]
