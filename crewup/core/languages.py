"""The languages pages can speak, by code: what a person may choose (`users.locale`) and
what has a complete catalogue under crewup/locale (see crewup.web.i18n)."""

from __future__ import annotations

DEFAULT = "en"
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
