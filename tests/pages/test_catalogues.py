"""The catalogues stay complete: every word the pages mark is in messages.pot, and French
translates every one of them (with the same placeholders). A template word left
unwrapped, or a new one left untranslated, fails here."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from crewup.core import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "crewup" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)s")
# Text between tags, in the page templates, that is not a word to translate.
NOT_WORDS = re.compile(
    r"^[\s·\u2013\u2014→←★🔒“”/:,.()#%0-9|+\-]*$|^(CrewUp|API|UTC)?( · CrewUp)?$"
)


def catalogue(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def ids(path: Path) -> set[str | tuple[str, ...]]:
    return {m.id for m in catalogue(path) if m.id}


def test_messages_pot_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            *("-q", "extract", "-F", "babel.cfg", "--no-location", "--sort-output"),
            *("-o", str(fresh), "."),
        ],
        cwd=ROOT,
        check=True,
    )
    committed = ids(LOCALE / "messages.pot")
    extracted = ids(fresh)
    assert extracted - committed == set(), "new words: run `make messages` and translate them"
    assert committed - extracted == set(), "words no longer used: run `make messages`"


def test_french_translates_every_word_with_its_placeholders() -> None:
    french = {m.id: m for m in catalogue(LOCALE / "fr" / "LC_MESSAGES" / "messages.po") if m.id}
    for msgid in ids(LOCALE / "messages.pot"):
        entry = french.get(msgid)
        assert entry is not None, f"not in the French catalogue: {msgid!r}"
        assert not entry.fuzzy, f"fuzzy: {msgid!r}"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert len(strings) == 2 if isinstance(msgid, tuple) else 1
        wanted = set(PLACEHOLDER.findall(msgid if isinstance(msgid, str) else msgid[1]))
        for text in strings:
            assert text.strip(), f"untranslated: {msgid!r}"
            assert set(PLACEHOLDER.findall(text)) == wanted, f"placeholders differ: {msgid!r}"


def test_no_page_template_has_unwrapped_words() -> None:
    """Text between tags must come from _() / ngettext() or data ({{ ... }})."""
    problems = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        if "mail" in template.parts:
            continue
        text = template.read_text()
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)
        text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
        for between in re.findall(r">([^<>]+)<", text):
            if not NOT_WORDS.match(between.strip()):
                problems.append(f"{template.relative_to(ROOT)}: {between.strip()!r}")
        for attribute in re.findall(r'\b(?:placeholder|aria-label|title)="([^"{]+)"', text):
            if not NOT_WORDS.match(attribute):
                problems.append(f"{template.relative_to(ROOT)}: {attribute!r}")
    assert problems == [], "\n".join(problems)


def test_a_missing_compiled_catalogue_is_compiled_from_the_po(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copytree(LOCALE / "fr", tmp_path / "fr", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="crewup.i18n"):
            assert i18n.translations("fr").gettext("Groups") == "Groupes"
            i18n.translations("fr")
        assert len([r for r in caplog.records if r.name == "crewup.i18n"]) == 1
    finally:
        i18n.translations.cache_clear()


def test_no_catalogue_at_all_falls_back_to_english_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="crewup.i18n"):
            for _ in range(3):
                assert i18n.translations("fr").gettext("Groups") == "Groups"
        warnings = [r for r in caplog.records if r.name == "crewup.i18n"]
        assert len(warnings) == 1 and "fall back to English" in warnings[0].getMessage()
    finally:
        i18n.translations.cache_clear()
