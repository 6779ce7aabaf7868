"""Error messages for people filling in forms: the same checks as the API, said in the
pages' voice ("Please enter a title.") instead of the validator's ("String should have at
least 1 character"). The API keeps the precise messages; clients read the field names.

Each message is one whole sentence with the field's words as a placeholder, so languages
can order it their own way; the words carry their article ("a title", "un titre"). A
service's own message (`from_service`, marked with N_ where it is raised) is said in the
page's language too; one the catalogue does not know stays as the service said it."""

from __future__ import annotations

from typing import Any

from crewup.web.i18n import N_, gettext, spoken

# How a form field is named in a sentence: (asking for it, talking about it).
_WORDS: dict[str, tuple[str, str]] = {
    "title": (N_("a title"), N_("the title")),
    "description": (N_("a description"), N_("the description")),
    "location_name": (N_("a place"), N_("the place")),
    "lat": (N_("a latitude"), N_("the latitude")),
    "lon": (N_("a longitude"), N_("the longitude")),
    "home_lat": (N_("a latitude"), N_("the latitude")),
    "home_lon": (N_("a longitude"), N_("the longitude")),
    "starts_at": (N_("a start time"), N_("the start")),
    "ends_at": (N_("an end time"), N_("the end")),
    "capacity": (N_("a capacity"), N_("the capacity")),
    "name": (N_("a name"), N_("the name")),
    "category": (N_("a category"), N_("the category")),
    "visibility": (N_("who can see the group"), N_("the visibility")),
    "max_members": (N_("a member limit"), N_("the member limit")),
    "display_name": (N_("your name"), N_("your name")),
    "email": (N_("your email address"), N_("the email address")),
    "password": (N_("your password"), N_("the password")),
    "new_password": (N_("a new password"), N_("the new password")),
    "token": (N_("the code from the email"), N_("the code")),
    "body": (N_("some text"), N_("the text")),
    "bio": (N_("a few words about you"), N_("the bio")),
    "interests": (N_("your interests"), N_("the interests")),
}

# Validator messages that read as the rest of a sentence about the field.
_PREDICATES = ("must ", "may ", "can ", "is ", "needs ", "has ")


def _words(field: str) -> tuple[str, str]:
    """How to ask for the field and talk about it, in the page's language."""
    if field in _WORDS:
        ask, about = _WORDS[field]
        return gettext(ask), gettext(about)
    spoken = gettext("the %(field)s") % {"field": field.replace("_", " ")}
    return spoken, spoken


def _say(translated: str, **words: str) -> str:
    return _sentence(translated % words)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def from_validator(field: str, error: dict[str, Any]) -> str:
    """One pydantic error (as from `ValidationError.errors()`) for one form field."""
    ask, about = _words(field)
    kind = str(error.get("type", ""))
    ctx: dict[str, Any] = error.get("ctx") or {}
    given = error.get("input")
    blank = given is None or (isinstance(given, str) and not given.strip())
    if kind == "field_order":  # a rule over two fields, e.g. the end after the start
        return _say(
            gettext("%(field)s must be after %(other)s"),
            field=about,
            other=_words(str(ctx.get("after")))[1],
        )
    if kind == "missing" or blank:
        return _say(gettext("Please enter %(field)s."), field=ask)
    if kind == "string_too_short":
        return _say(
            gettext("%(field)s needs at least %(min)s characters"),
            field=about,
            min=str(ctx.get("min_length")),
        )
    if kind == "string_too_long":
        limit = str(ctx.get("max_length"))
        if isinstance(given, str):
            return _say(
                gettext("%(field)s can be at most %(max)s characters (this one has %(length)s)"),
                field=about,
                max=limit,
                length=str(len(given)),
            )
        return _say(gettext("%(field)s can be at most %(max)s characters"), field=about, max=limit)
    if kind == "too_long":
        return _say(
            gettext("%(field)s can hold at most %(max)s entries"),
            field=about,
            max=str(ctx.get("max_length")),
        )
    if kind.startswith(("int_", "float_", "decimal_")):
        if kind.startswith("int_"):
            return _say(gettext("%(field)s must be a whole number"), field=about)
        return _say(gettext("%(field)s must be a number"), field=about)
    if kind in ("greater_than_equal", "greater_than"):
        bound = _number(ctx.get("ge", ctx.get("gt")))
        if "ge" in ctx:
            return _say(gettext("%(field)s must be at least %(bound)s"), field=about, bound=bound)
        return _say(gettext("%(field)s must be above %(bound)s"), field=about, bound=bound)
    if kind in ("less_than_equal", "less_than"):
        bound = _number(ctx.get("le", ctx.get("lt")))
        if "le" in ctx:
            return _say(gettext("%(field)s can be at most %(bound)s"), field=about, bound=bound)
        return _say(gettext("%(field)s can be below %(bound)s"), field=about, bound=bound)
    if kind.startswith(("datetime_", "date_", "timezone_")):
        return _say(gettext("%(field)s must be a date and time"), field=about)
    if kind in ("literal_error", "enum"):
        return _say(gettext("Please choose %(field)s from the list."), field=ask)
    if field == "email" and kind == "value_error":
        return gettext("That doesn't look like an email address.")
    if kind == "value_error":
        return from_service(field, str(error.get("msg", "")).removeprefix("Value error, "))
    return _say(gettext("Please check %(field)s"), field=about)


def from_service(field: str, message: str) -> str:
    """A service's field error ("must be in the future") as a sentence about the field,
    in the page's language."""
    if message.startswith(_PREDICATES):
        return _say(
            gettext("%(field)s %(predicate)s"), field=_words(field)[1], predicate=spoken(message)
        )
    return _sentence(spoken(message))
