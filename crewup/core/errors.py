"""Domain errors: services raise them, each face turns them into its own answer (problem+json,
a form error or flash message, a CLI exit code)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class Refusal(DomainError):
    """The request was understood and refused for a reason the person can act on; pages
    show it beside the form or as a message. (NotFound and Unauthorized are not refusals:
    a hidden thing is a 404 page, a missing sign-in goes to the sign-in page.)"""


class BadRequest(Refusal):
    status = 400
    title = "Bad request"


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class Forbidden(Refusal):
    status = 403
    title = "Forbidden"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(Refusal):
    status = 409
    title = "Conflict"


class Gone(Refusal):
    """It existed and cannot be used any more (an expired or spent link)."""

    status = 410
    title = "Gone"


class TooLarge(Refusal):
    status = 413
    title = "Content too large"


class Unsupported(Refusal):
    status = 415
    title = "Unsupported media type"


class Invalid(Refusal):
    status = 422
    title = "Validation failed"


class RateLimited(Refusal):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


def field_errors(exc: ValidationError, prefix: str = "", whole: str = "body") -> list[FieldError]:
    """One error per field; a rule on the whole input (`from` before `to`) is named after
    the whole: the body, or the query of a GET."""
    found = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in error["loc"]) or whole
        message = error["msg"].removeprefix("Value error, ")
        found.append(FieldError(f"{prefix}{loc}", message))
    return found


def invalid_from(exc: ValidationError, prefix: str = "", whole: str = "body") -> Invalid:
    errors = field_errors(exc, prefix, whole)
    summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:3])
    return Invalid(f"the request has invalid fields: {summary}", errors)
