"""HTML forms: CSRF check, then the same pydantic models the API uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from aiohttp import web
from pydantic import BaseModel, ValidationError

from crewup.core.errors import DomainError
from crewup.web.form_body import read_form
from crewup.web.form_messages import from_service, from_validator
from crewup.web.sessions import check_csrf

M = TypeVar("M", bound=BaseModel)


class FormResult(Generic[M]):
    def __init__(self, data: M | None, values: dict[str, str], errors: dict[str, str]) -> None:
        self.data = data
        self.values = values
        self.errors = errors

    def fail(self, exc: DomainError) -> None:
        """Put a service's answer next to its fields, or at the top of the form."""
        for error in exc.errors:
            self.errors.setdefault(error.field, from_service(error.field, error.message))
        if not exc.errors:
            self.errors["form"] = from_service("form", exc.detail)


async def parse_form(
    request: web.Request,
    model: type[M],
    shape: Callable[[dict[str, str]], dict[str, Any]] | None = None,
) -> FormResult[M]:
    form = await read_form(request)
    await check_csrf(request, form)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k in model.model_fields}
    raw: dict[str, Any] = shape(dict(values)) if shape else dict(values)
    try:
        return FormResult(model.model_validate(raw), values, {})
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors(include_url=False):
            context = error.get("ctx") or {}
            if error["loc"]:
                field = str(error["loc"][0])
            elif "field" in context:  # a rule over two fields that names the one to fix
                field = str(context["field"])
            else:  # any other rule over several fields: at the top of the form
                field = "form"
            if field in errors:
                continue
            if field == "form":
                errors[field] = from_service(field, error["msg"].removeprefix("Value error, "))
            else:
                errors[field] = from_validator(field, dict(error))
        return FormResult(None, values, errors)


def safe_next(target: str | None, default: str = "/") -> str:
    r"""Only same-site paths, so a crafted link cannot bounce people to another site.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    '/\t/evil.example' or '/\evil.example' become '//evil.example': a path of printable
    ASCII only, one leading slash, and nothing that parses as a scheme or a host."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return default
    if target.startswith("//") or "\\" in target:
        return default
    if any(not 0x21 <= ord(char) <= 0x7E for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
