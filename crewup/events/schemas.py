from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from crewup.core.clock import UtcMoment
from crewup.core.days import Span
from crewup.core.images import ImageKind
from crewup.core.marks import N_
from crewup.core.paging import Limit
from crewup.events.access import Event
from crewup.events.participants import Participant
from crewup.events.rsvp import RsvpResult
from crewup.events.service import EventFilter
from crewup.users.schemas import Reputation, reputation_json
from crewup.web.geo_params import Latitude, Longitude, Near, RadiusKm
from crewup.web.media import ImageOut, image_json
from crewup.web.schemas import NUMBER, ONE_LINE, PLAIN_TEXT, InputModel, UtcTimestamp

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200), ONE_LINE
]
Place = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), ONE_LINE
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000), PLAIN_TEXT]
Capacity = Annotated[int, NUMBER, Field(ge=1, le=1_000_000)]


class EventIn(InputModel):
    group_id: Annotated[int, Field(ge=1, lt=2**31)]
    title: Title
    description: Text = ""
    location_name: Place
    lat: Latitude
    lon: Longitude
    starts_at: UtcMoment
    ends_at: UtcMoment
    capacity: Capacity | None = None

    @model_validator(mode="after")
    def _order(self) -> EventIn:
        if self.ends_at <= self.starts_at:
            # The rule spans two fields, so its location is the body; the context names
            # the field it is about, so a form can show it there.
            raise PydanticCustomError(
                "field_order",
                "ends_at must be after starts_at",
                {"field": "ends_at", "after": "starts_at"},
            )
        return self


class EventPatch(InputModel):
    title: Title | None = None
    description: Text | None = None
    location_name: Place | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    starts_at: UtcMoment | None = None
    ends_at: UtcMoment | None = None
    capacity: Capacity | None = None

    @model_validator(mode="after")
    def _not_null(self) -> EventPatch:
        for name in self.model_fields_set - {"capacity"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        if ("lat" in self.model_fields_set) != ("lon" in self.model_fields_set):
            raise ValueError(N_("lat and lon change together"))
        return self

    def changes(self) -> dict[str, object]:
        return self.model_dump(include=self.model_fields_set)


# Named so crewup-admin's `events cancel --reason` is checked by the same rule.
CancelReason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), PLAIN_TEXT
]


class CancelIn(InputModel):
    reason: CancelReason


class RsvpIn(InputModel):
    status: Literal["going", "interested"]


class EventQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    near: Near = None
    radius_km: RadiusKm = 25.0
    starts_from: UtcMoment | None = Field(None, alias="from")
    starts_to: UtcMoment | None = Field(None, alias="to")
    q: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    group_id: Annotated[int, Field(ge=1, lt=2**31)] | None = None
    mine: bool = False
    limit: Limit = 20
    cursor: str | None = None  # its length is checked by decode_cursor: 400

    def filters(self) -> EventFilter:
        return EventFilter(
            near=self.near,
            radius_km=self.radius_km,
            starts_from=self.starts_from,
            starts_to=self.starts_to,
            q=self.q,
            group_id=self.group_id,
            mine=self.mine,
        )


PageDay = Annotated[date, Field(ge=date(1970, 1, 2), le=date(2199, 12, 30))]


class EventsPageQuery(BaseModel):
    """The events page's filters: days rather than instants, counted in the reader's
    zone (`tz`, sent by the page's script; UTC without it)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    near: Near = None
    radius_km: RadiusKm = 25.0
    q: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    when: Span | None = None
    # Days inside the calendar every instant of CrewUp lives in (clock.EARLIEST to
    # LATEST): a day at the very edge of Python's dates, moved by a zone, overflows.
    first_day: PageDay | None = Field(None, alias="from")
    last_day: PageDay | None = Field(None, alias="to")
    tz: Annotated[str, StringConstraints(max_length=64)] | None = None
    group_id: Annotated[int, Field(ge=1, lt=2**31)] | None = None
    mine: bool = False
    cursor: str | None = None  # its length is checked by decode_cursor: 400

    @model_validator(mode="after")
    def _range(self) -> EventsPageQuery:
        if self.when is None and (self.first_day or self.last_day):
            self.when = Span.range
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValueError(N_("the range must end on or after its first day"))
        return self


class CalendarQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    starts_from: UtcMoment = Field(alias="from")
    starts_to: UtcMoment = Field(alias="to")

    @model_validator(mode="after")
    def _range(self) -> CalendarQuery:
        if self.starts_to <= self.starts_from:
            raise ValueError(N_("to must be after from"))
        if (self.starts_to - self.starts_from).days > 400:
            raise ValueError(N_("the range may span at most 400 days"))
        return self


class MyRsvp(BaseModel):
    status: Literal["going", "waitlisted", "interested"]
    waitlist_position: int | None


class EventOut(BaseModel):
    id: int
    group_id: int
    group_name: str
    title: str
    description: str
    location_name: str
    lat: float
    lon: float
    starts_at: UtcTimestamp
    ends_at: UtcTimestamp
    capacity: int | None
    going_count: int
    waitlist_count: int
    interested_count: int
    status: Literal["scheduled", "cancelled", "past"]
    cancel_reason: str | None
    my_rsvp: MyRsvp | None
    distance_km: float | None = None
    cover: ImageOut | None = Field(None, description="640 and 1280 pixels wide (2:1)")

    @classmethod
    def of(cls, event: Event) -> EventOut:
        return cls.model_validate(event_json(event))


def event_json(event: Event) -> dict[str, Any]:
    """An event as the API shows it (the shape of `EventOut`), as plain data: hot read
    paths write it straight to JSON without building a model per row."""
    mine = (
        {"status": event.my_status, "waitlist_position": event.my_position}
        if event.my_status
        else None
    )
    distance = round(event.distance_km, 3) if event.distance_km is not None else None
    return {
        "id": event.id,
        "group_id": event.group_id,
        "group_name": event.group_name,
        "title": event.title,
        "description": event.description,
        "location_name": event.location_name,
        "lat": event.lat,
        "lon": event.lon,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "capacity": event.capacity,
        "going_count": event.going_count,
        "waitlist_count": event.waitlist_count,
        "interested_count": event.interested_count,
        "status": event.status.value,
        "cancel_reason": event.cancel_reason,
        "cover": image_json(event.cover, ImageKind.cover),
        "my_rsvp": mine,
        "distance_km": distance,
    }


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class EventList(BaseModel):
    items: list[EventOut]


class RsvpOut(BaseModel):
    status: Literal["going", "waitlisted", "interested"]
    waitlist_position: int | None

    @classmethod
    def of(cls, result: RsvpResult) -> RsvpOut:
        return cls(status=result.status.value, waitlist_position=result.waitlist_position)


class ParticipantOut(BaseModel):
    user_id: int
    display_name: str
    status: str
    waitlist_position: int | None
    created_at: UtcTimestamp
    reputation: Reputation
    avatar: ImageOut | None = Field(None, description="64 and 256 pixels square")

    @classmethod
    def of(cls, p: Participant) -> ParticipantOut:
        return cls.model_validate(participant_json(p))


def participant_json(p: Participant) -> dict[str, Any]:
    """A participant in the shape of `ParticipantOut`, as plain data (see `event_json`)."""
    return {
        "user_id": p.user_id,
        "display_name": p.display_name,
        "status": p.status,
        "waitlist_position": p.waitlist_position,
        "created_at": p.created_at,
        "reputation": reputation_json(p.rating_count, p.rating_sum),
        "avatar": image_json(p.avatar, ImageKind.avatar),
    }


class ParticipantPage(BaseModel):
    items: list[ParticipantOut]
    next_cursor: str | None


class ParticipantsOut(BaseModel):
    going: ParticipantPage
    waitlisted: ParticipantPage
    interested: ParticipantPage


class ParticipantQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["going", "waitlisted", "interested"] | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = 100
    cursor: str | None = None  # its length is checked by decode_cursor: 400


class FeedOut(BaseModel):
    url: str
    token: str
