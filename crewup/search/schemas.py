"""Queries and answers of GET /api/v1/search and /search/suggest."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from crewup.core.paging import Limit
from crewup.events.access import Event
from crewup.events.schemas import EventOut
from crewup.groups.access import Group
from crewup.groups.schemas import GroupOut
from crewup.search.details import Hit
from crewup.search.kinds import KIND_ORDER, Kind
from crewup.search.recommend import Recommended
from crewup.search.service import MAX_QUERY_LENGTH
from crewup.web.schemas import UtcTimestamp

Q = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUERY_LENGTH)
]


def _kinds(value: str | None) -> tuple[Kind, ...]:
    if value is None or not value.strip():
        return KIND_ORDER
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in Kind.__members__]
    if unknown:
        raise ValueError(f"unknown type {unknown[0]!r}; use {', '.join(KIND_ORDER)}")
    return tuple(Kind(name) for name in names)


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: Q
    type: str | None = Field(None, max_length=100, description="comma-separated kinds")
    limit: Limit = 20
    cursor: str | None = None  # its length is checked by decode_cursor: 400

    @field_validator("type")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        _kinds(value)
        return value

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return _kinds(self.type)


class SuggestQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: Q


class HitOut(BaseModel):
    type: Kind
    id: int
    title: str
    snippet: str = Field(description="HTML: escaped text, matched words in <mark>")
    url: str
    created_at: UtcTimestamp
    group_id: int | None
    post_id: int | None
    starts_at: UtcTimestamp | None

    @classmethod
    def of(cls, hit: Hit) -> HitOut:
        return cls.model_validate(hit_json(hit))


def hit_json(hit: Hit) -> dict[str, Any]:
    """A result as the API shows it (the shape of `HitOut`), as plain data: the search
    answer is written straight to JSON without building a model per result."""
    return {
        "type": hit.kind.value,
        "id": hit.id,
        "title": hit.title,
        "snippet": hit.snippet,
        "url": url_of(hit),
        "created_at": hit.created_at,
        "group_id": hit.group_id,
        "post_id": hit.post_id,
        "starts_at": hit.starts_at,
    }


def url_of(hit: Hit) -> str:
    """The page a result opens (a comment opens its post, at the comment)."""
    if hit.kind is Kind.comments:
        return f"/posts/{hit.post_id}#comment-{hit.id}"
    return f"/{hit.kind.value}/{hit.id}"


class SearchPage(BaseModel):
    items: list[HitOut]
    next_cursor: str | None


class Suggestion(BaseModel):
    type: Kind
    id: int
    title: str
    url: str


class SuggestionList(BaseModel):
    items: list[Suggestion]


class RecommendedGroupOut(GroupOut):
    reason: str

    @classmethod
    def of_recommended(cls, found: Recommended[Group]) -> RecommendedGroupOut:
        return cls(**GroupOut.of(found.item).model_dump(), reason=found.reason)


class RecommendedEventOut(EventOut):
    reason: str

    @classmethod
    def of_recommended(cls, found: Recommended[Event]) -> RecommendedEventOut:
        return cls(**EventOut.of(found.item).model_dump(), reason=found.reason)


class RecommendedGroups(BaseModel):
    items: list[RecommendedGroupOut]


class RecommendedEvents(BaseModel):
    items: list[RecommendedEventOut]
