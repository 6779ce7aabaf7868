"""Where the demo world lives: a handful of real cities, each with home areas (districts)
whose centres are real, and the Faker locale its people's names come from.

Berlin weighs most: the demo content, `make run`'s map and the benchmarks' nearby
queries are all centred there."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class City:
    name: str
    locale: str
    weight: float  # share of the world's people and groups
    areas: tuple[Area, ...]


CITIES: tuple[City, ...] = (
    City(
        "Berlin",
        "de_DE",
        0.30,
        (
            Area("Mitte", 52.5200, 13.4050),
            Area("Kreuzberg", 52.4986, 13.4030),
            Area("Neukölln", 52.4811, 13.4353),
            Area("Prenzlauer Berg", 52.5388, 13.4244),
            Area("Friedrichshain", 52.5158, 13.4540),
            Area("Charlottenburg", 52.5160, 13.3040),
            Area("Wedding", 52.5500, 13.3660),
            Area("Schöneberg", 52.4830, 13.3530),
        ),
    ),
    City(
        "Hamburg",
        "de_DE",
        0.10,
        (
            Area("Altona", 53.5503, 9.9350),
            Area("St. Pauli", 53.5560, 9.9640),
            Area("Eimsbüttel", 53.5750, 9.9530),
            Area("Winterhude", 53.5930, 10.0000),
            Area("Harburg", 53.4600, 9.9830),
        ),
    ),
    City(
        "München",
        "de_DE",
        0.10,
        (
            Area("Schwabing", 48.1650, 11.5850),
            Area("Maxvorstadt", 48.1500, 11.5700),
            Area("Haidhausen", 48.1300, 11.5950),
            Area("Sendling", 48.1170, 11.5400),
            Area("Giesing", 48.1100, 11.5800),
        ),
    ),
    City(
        "London",
        "en_GB",
        0.16,
        (
            Area("Camden", 51.5390, -0.1426),
            Area("Hackney", 51.5450, -0.0553),
            Area("Brixton", 51.4613, -0.1156),
            Area("Islington", 51.5362, -0.1033),
            Area("Greenwich", 51.4826, -0.0077),
            Area("Shoreditch", 51.5265, -0.0780),
        ),
    ),
    City(
        "Paris",
        "fr_FR",
        0.12,
        (
            Area("Le Marais", 48.8590, 2.3620),
            Area("Montmartre", 48.8867, 2.3431),
            Area("Belleville", 48.8720, 2.3850),
            Area("Bastille", 48.8532, 2.3692),
            Area("Montparnasse", 48.8420, 2.3210),
        ),
    ),
    City(
        "Madrid",
        "es_ES",
        0.08,
        (
            Area("Malasaña", 40.4260, -3.7040),
            Area("Lavapiés", 40.4086, -3.7010),
            Area("Chamberí", 40.4340, -3.7030),
            Area("Retiro", 40.4110, -3.6760),
        ),
    ),
    City(
        "Amsterdam",
        "nl_NL",
        0.07,
        (
            Area("Jordaan", 52.3740, 4.8800),
            Area("De Pijp", 52.3550, 4.8950),
            Area("Oost", 52.3600, 4.9300),
            Area("Noord", 52.3900, 4.9200),
        ),
    ),
    City(
        "Warszawa",
        "pl_PL",
        0.07,
        (
            Area("Śródmieście", 52.2300, 21.0110),
            Area("Praga", 52.2550, 21.0350),
            Area("Mokotów", 52.1930, 21.0350),
            Area("Żoliborz", 52.2680, 20.9860),
        ),
    ),
)

# Kinds of places events happen at, by group category; "{area}" is filled in.
VENUES: dict[str, tuple[str, ...]] = {
    "outdoors": ("Park entrance, {area}", "S-Bahn station, {area}", "Trailhead near {area}"),
    "climbing": ("Boulder hall, {area}", "Climbing gym, {area}", "Crag car park"),
    "sports": ("Sports ground, {area}", "Public pool, {area}", "Running track, {area}"),
    "arts": ("Studio, {area}", "Gallery, {area}", "Community centre, {area}"),
    "music": ("Rehearsal room, {area}", "Jazz bar, {area}", "Bandstand, {area}"),
    "games": ("Board game café, {area}", "Library, {area}", "Back room of a pub, {area}"),
    "food": ("Market hall, {area}", "Shared kitchen, {area}", "Street food market, {area}"),
    "learning": ("Public library, {area}", "Co-working space, {area}", "Café, {area}"),
    "tech": ("Co-working space, {area}", "Hackerspace, {area}", "University hall, {area}"),
    "family": ("Playground, {area}", "Family centre, {area}", "City farm, {area}"),
    "wellbeing": ("Yoga studio, {area}", "Park meadow, {area}", "Community hall, {area}"),
    "community": ("Neighbourhood centre, {area}", "Town hall, {area}", "Courtyard, {area}"),
    "social": ("Beer garden, {area}", "Café, {area}", "Rooftop bar, {area}"),
    "other": ("Community centre, {area}", "Café, {area}", "Park, {area}"),
}
