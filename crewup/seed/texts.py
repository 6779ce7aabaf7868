"""Names, jobs and filler sentences from Faker, drawn once per run into small pools.

Calling Faker for each of a million people would cost minutes; drawing a few hundred
names per locale up front and combining them with the world's own random numbers costs
milliseconds and still reads like real people. Faker is seeded, so the pools (and with
them the whole world) are the same for the same `--seed`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from faker import Faker

from crewup.seed.places import CITIES

POOL = 400  # names of each kind per locale
FILLER_LOCALE = "en_US"  # English words (en_GB's lorem is Latin)


def slug(text: str) -> str:
    """ASCII for e-mail local parts: Łukasz Kowalski -> lukasz.kowalski."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    kept = "".join(c if c.isalnum() else "-" for c in ascii_text.lower())
    return "-".join(part for part in kept.split("-") if part) or "person"


@dataclass(frozen=True)
class Names:
    first: tuple[str, ...]
    last: tuple[str, ...]
    first_slug: tuple[str, ...]
    last_slug: tuple[str, ...]


@dataclass(frozen=True)
class Texts:
    names: tuple[Names, ...]  # by city index (cities of one locale share a pool)
    jobs: tuple[str, ...]
    sentences: tuple[str, ...]


def _names(fake: Faker) -> Names:
    first = tuple(dict.fromkeys(fake.first_name() for _ in range(POOL)))
    last = tuple(dict.fromkeys(fake.last_name() for _ in range(POOL)))
    return Names(first, last, tuple(map(slug, first)), tuple(map(slug, last)))


def build_texts(seed: int) -> Texts:
    by_locale: dict[str, Names] = {}
    for city in CITIES:
        if city.locale not in by_locale:
            fake = Faker(city.locale)
            fake.seed_instance(seed)
            by_locale[city.locale] = _names(fake)
    filler = Faker(FILLER_LOCALE)
    filler.seed_instance(seed)
    jobs = tuple(dict.fromkeys(filler.job() for _ in range(300)))
    sentences = tuple(filler.sentence(nb_words=10) for _ in range(2000))
    return Texts(tuple(by_locale[city.locale] for city in CITIES), jobs, sentences)
