from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from crewup.core.images import ImageKind
from crewup.core.marks import N_
from crewup.core.paging import Limit
from crewup.groups.access import Group
from crewup.groups.rosters import Member
from crewup.groups.service import CATEGORIES, GroupFilter
from crewup.web.geo_params import Latitude, Longitude, Near, RadiusKm
from crewup.web.media import ImageOut, image_json
from crewup.web.schemas import NUMBER, ONE_LINE, PLAIN_TEXT, InputModel, UtcTimestamp

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
GroupName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100), ONE_LINE
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), PLAIN_TEXT]
MaxMembers = Annotated[int, NUMBER, Field(ge=1, le=100_000)]


def _location_pair(lat: float | None, lon: float | None, sent: set[str]) -> None:
    both = {"lat", "lon"} & sent
    if both and (len(both) == 1 or (lat is None) != (lon is None)):
        raise ValueError(N_("lat and lon are given (or cleared with null) together"))


class GroupIn(InputModel):
    name: GroupName
    description: Description = ""
    category: Category
    visibility: Literal["public", "private"] = "public"
    max_members: MaxMembers | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None

    @model_validator(mode="after")
    def _location(self) -> GroupIn:
        _location_pair(self.lat, self.lon, self.model_fields_set)
        return self


class GroupPatch(InputModel):
    name: GroupName | None = None
    description: Description | None = None
    category: Category | None = None
    visibility: Literal["public", "private"] | None = None
    max_members: MaxMembers | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None

    @model_validator(mode="after")
    def _checks(self) -> GroupPatch:
        for name in ("name", "description", "category", "visibility"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        _location_pair(self.lat, self.lon, self.model_fields_set)
        return self

    def changes(self) -> dict[str, object]:
        return self.model_dump(include=self.model_fields_set)


class GroupQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    category: Category | None = None
    near: Near = None
    radius_km: RadiusKm = 25.0
    limit: Limit = 20
    cursor: str | None = None  # its length is checked by decode_cursor: 400

    def filters(self) -> GroupFilter:
        return GroupFilter(
            q=self.q, category=self.category, near=self.near, radius_km=self.radius_km
        )


class GroupOut(BaseModel):
    id: int
    name: str
    description: str
    category: str
    visibility: str
    max_members: int | None
    member_count: int
    owner_id: int
    lat: float | None
    lon: float | None
    created_at: UtcTimestamp
    my_role: Literal["owner", "admin", "member", "pending"] | None
    invited: bool
    distance_km: float | None = None
    cover: ImageOut | None = Field(None, description="640 and 1280 pixels wide (2:1)")

    @classmethod
    def of(cls, group: Group) -> GroupOut:
        return cls.model_validate(group_json(group))


def group_json(group: Group) -> dict[str, Any]:
    """A group in the shape of `GroupOut`, as plain data written straight to JSON."""
    distance = round(group.distance_km, 3) if group.distance_km is not None else None
    return {
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "category": group.category,
        "visibility": group.visibility.value,
        "max_members": group.max_members,
        "member_count": group.member_count,
        "owner_id": group.owner_id,
        "lat": group.lat,
        "lon": group.lon,
        "cover": image_json(group.cover, ImageKind.cover),
        "created_at": group.created_at,
        "my_role": group.my_role,
        "invited": group.invited,
        "distance_km": distance,
    }


class GroupPage(BaseModel):
    items: list[GroupOut]
    next_cursor: str | None


class JoinOut(BaseModel):
    status: Literal["member", "pending"]


class MemberOut(BaseModel):
    user_id: int
    display_name: str
    role: str
    joined_at: UtcTimestamp

    @classmethod
    def of(cls, member: Member) -> MemberOut:
        return cls(
            user_id=member.user_id,
            display_name=member.display_name,
            role=member.role,
            joined_at=member.joined_at,
        )


class MemberPage(BaseModel):
    items: list[MemberOut]
    next_cursor: str | None


class MemberQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: Limit = 20
    cursor: str | None = None  # its length is checked by decode_cursor: 400


class RoleIn(InputModel):
    role: Literal["admin", "member"]


class UserRef(InputModel):
    user_id: Annotated[int, Field(ge=1, lt=2**31)]


class InviteOut(BaseModel):
    group_id: int
    user_id: int
    status: Literal["invited"] = "invited"


class GroupList(BaseModel):
    items: list[GroupOut]


class InviteEmailIn(InputModel):
    """The invite-by-address form on the pages: an address as registration takes it
    (not one, and it is said so, rather than "no account uses this address")."""

    email: EmailStr


class InviteLinkIn(InputModel):
    """The invite-link form on the pages: how many days the link stays valid."""

    lifetime: Literal["1", "7", "30"] = "7"
