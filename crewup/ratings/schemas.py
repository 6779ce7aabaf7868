from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from crewup.core.paging import Limit
from crewup.ratings.service import Rating
from crewup.web.schemas import PLAIN_TEXT, InputModel, UtcTimestamp

# Strict: "5", 4.5 and true are not scores.
Score = Annotated[int, Field(strict=True, ge=1, le=5)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), PLAIN_TEXT]
EventId = Annotated[int, Field(strict=True, ge=1, lt=2**31)]


class RatingIn(InputModel):
    score: Score
    comment: Comment = ""
    event_id: EventId


class RatingPatch(InputModel):
    score: Score | None = None
    comment: Comment | None = None

    @field_validator("score", "comment")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, object]:
        return self.model_dump(include=self.model_fields_set)


class RaterOut(BaseModel):
    id: int
    display_name: str


class RatedEventOut(BaseModel):
    id: int
    title: str


class RatingOut(BaseModel):
    id: int
    rater: RaterOut
    ratee_id: int
    event: RatedEventOut | None = Field(description="null once the event was deleted")
    score: int
    comment: str
    created_at: UtcTimestamp
    updated_at: UtcTimestamp

    @classmethod
    def of(cls, r: Rating) -> RatingOut:
        event = None
        if r.event_id is not None and r.event_title is not None:
            event = RatedEventOut(id=r.event_id, title=r.event_title)
        return cls(
            id=r.id,
            rater=RaterOut(id=r.rater_id, display_name=r.rater_name),
            ratee_id=r.ratee_id,
            event=event,
            score=r.score,
            comment=r.comment,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )


class RatingPage(BaseModel):
    items: list[RatingOut]
    next_cursor: str | None


class RatingQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: Limit = 20
    cursor: str | None = None  # its length is checked by decode_cursor: 400
