"""Types shared by every module's schemas."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer, StringConstraints

from crewup import clock

UtcTimestamp = Annotated[datetime, PlainSerializer(clock.isoformat, return_type=str)]
CleanText = Annotated[str, StringConstraints(strip_whitespace=True)]


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid", str_max_length=10_000)
