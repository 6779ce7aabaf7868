"""Types shared by every module's schemas."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, model_validator

from crewup.core import clock

UtcTimestamp = Annotated[datetime, PlainSerializer(clock.isoformat, return_type=str)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid", str_max_length=10_000)

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        # PostgreSQL cannot store NUL in text; refuse it here, the same on every engine.
        if isinstance(data, dict):
            for key, value in data.items():
                if _has_nul(value):
                    raise ValueError(f"{key}: text may not contain NUL characters")
        return data
