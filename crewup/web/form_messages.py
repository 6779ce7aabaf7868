"""Error messages for people filling in forms: the same checks as the API, said in the
pages' voice ("Please enter a title.") instead of the validator's ("String should have at
least 1 character"). The API keeps the precise messages; clients read the field names."""

from __future__ import annotations

from typing import Any

# How a form field is named in a sentence: (asking for it, talking about it).
_WORDS: dict[str, tuple[str, str]] = {
    "title": ("a title", "the title"),
    "description": ("a description", "the description"),
    "location_name": ("a place", "the place"),
    "lat": ("a latitude", "the latitude"),
    "lon": ("a longitude", "the longitude"),
    "home_lat": ("a latitude", "the latitude"),
    "home_lon": ("a longitude", "the longitude"),
    "starts_at": ("a start time", "the start"),
    "ends_at": ("an end time", "the end"),
    "capacity": ("a capacity", "the capacity"),
    "name": ("a name", "the name"),
    "category": ("a category", "the category"),
    "visibility": ("who can see the group", "the visibility"),
    "max_members": ("a member limit", "the member limit"),
    "display_name": ("your name", "your name"),
    "email": ("your email address", "the email address"),
    "password": ("your password", "the password"),
    "new_password": ("a new password", "the new password"),
    "token": ("the code from the email", "the code"),
    "body": ("some text", "the text"),
    "bio": ("a few words about you", "the bio"),
    "interests": ("your interests", "the interests"),
}

# Validator messages that read as the rest of a sentence about the field.
_PREDICATES = ("must ", "may ", "can ", "is ", "needs ", "has ")


def _words(field: str) -> tuple[str, str]:
    spoken = field.replace("_", " ")
    return _WORDS.get(field, (f"the {spoken}", f"the {spoken}"))


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
        return _sentence(f"{about} must be after {_words(str(ctx.get('after')))[1]}")
    if kind == "missing" or blank:
        return f"Please enter {ask}."
    if kind == "string_too_short":
        return _sentence(f"{about} needs at least {ctx.get('min_length')} characters")
    if kind == "string_too_long":
        length = f" (this one has {len(given)})" if isinstance(given, str) else ""
        limit = ctx.get("max_length")
        return _sentence(f"{about} can be at most {limit} characters{length}")
    if kind == "too_long":
        return _sentence(f"{about} can hold at most {ctx.get('max_length')} entries")
    if kind.startswith(("int_", "float_", "decimal_")):
        whole = kind.startswith("int_")
        return _sentence(f"{about} must be a {'whole ' if whole else ''}number")
    if kind in ("greater_than_equal", "greater_than"):
        bound = _number(ctx.get("ge", ctx.get("gt")))
        return _sentence(f"{about} must be {'at least' if 'ge' in ctx else 'above'} {bound}")
    if kind in ("less_than_equal", "less_than"):
        bound = _number(ctx.get("le", ctx.get("lt")))
        return _sentence(f"{about} can be {'at most' if 'le' in ctx else 'below'} {bound}")
    if kind.startswith(("datetime_", "date_", "timezone_")):
        return _sentence(f"{about} must be a date and time")
    if kind in ("literal_error", "enum"):
        return f"Please choose {ask} from the list."
    if field == "email" and kind == "value_error":
        return "That doesn't look like an email address."
    if kind == "value_error":
        return from_service(field, str(error.get("msg", "")).removeprefix("Value error, "))
    return _sentence(f"Please check {about}")


def from_service(field: str, message: str) -> str:
    """A service's field error ("must be in the future") as a sentence about the field."""
    if message.startswith(_PREDICATES):
        return _sentence(f"{_words(field)[1]} {message}")
    return _sentence(message)
