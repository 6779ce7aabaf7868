from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from crewup.core.images import ImageKind
from crewup.core.languages import LANGUAGES
from crewup.core.marks import N_
from crewup.users import reputation as rep
from crewup.users.service import Account
from crewup.web.media import ImageOut, image_json
from crewup.web.schemas import ONE_LINE, PLAIN_TEXT, InputModel, UtcTimestamp

DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), ONE_LINE
]
Interest = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), ONE_LINE
]


class Reputation(BaseModel):
    score: float | None = Field(description="mean rating 1..5, null until rated")
    count: int
    smoothed: float = Field(
        description="Bayesian average (C*m + sum)/(C + n) with m=3, C=5: for sorting"
    )

    @classmethod
    def of(cls, count: int, total: int) -> Reputation:
        return cls.model_validate(reputation_json(count, total))


def reputation_json(count: int, total: int) -> dict[str, Any]:
    """`Reputation` as plain data, for answers written straight to JSON."""
    return {"score": rep.mean(count, total), "count": count, "smoothed": rep.smoothed(count, total)}


class UserPublic(BaseModel):
    id: int
    display_name: str
    bio: str
    interests: list[str]
    reputation: Reputation
    avatar: ImageOut | None = Field(None, description="64 and 256 pixels square")
    created_at: UtcTimestamp

    @classmethod
    def of(cls, account: Account) -> UserPublic:
        return cls(
            id=account.id,
            display_name=account.display_name,
            bio=account.bio,
            interests=account.interests,
            reputation=Reputation.of(account.rating_count, account.rating_sum),
            avatar=ImageOut.of(account.shown_avatar, ImageKind.avatar),
            created_at=account.created_at,
        )


class UserMe(UserPublic):
    email: str | None
    email_verified: bool
    role: str
    home_lat: float | None
    home_lon: float | None
    locale: str | None = Field(
        description="language of the pages for this person; null: as the browser asks"
    )

    @classmethod
    def of(cls, account: Account) -> UserMe:
        return cls.model_validate(user_me_json(account))


def user_me_json(account: Account) -> dict[str, Any]:
    """`UserMe` as plain data (GET /users/me is read on every app start and page)."""
    return {
        "id": account.id,
        "display_name": account.display_name,
        "bio": account.bio,
        "interests": account.interests,
        "reputation": reputation_json(account.rating_count, account.rating_sum),
        "avatar": image_json(account.avatar, ImageKind.avatar),
        "created_at": account.created_at,
        "email": account.email,
        "email_verified": account.email_verified_at is not None,
        "role": account.role.value,
        "home_lat": account.home_lat,
        "home_lon": account.home_lon,
        "locale": account.locale,
    }


class ProfilePatch(InputModel):
    display_name: DisplayName | None = None
    bio: Annotated[str, StringConstraints(max_length=2000), PLAIN_TEXT] | None = None
    interests: list[Interest] | None = Field(None, max_length=20)
    home_lat: float | None = Field(None, ge=-90, le=90)
    home_lon: float | None = Field(None, ge=-180, le=180)
    locale: str | None = Field(
        None, description=f"language of the pages: one of {', '.join(LANGUAGES)}, or null"
    )

    @field_validator("locale")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        if value is not None and value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)} (or null)")
        return value

    @field_validator("display_name", "bio", "interests")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may not be null")
        return value

    @field_validator("interests")
    @classmethod
    def _dedupe(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(item.lower() for item in value))

    @model_validator(mode="after")
    def _home_together(self) -> ProfilePatch:
        sent = {"home_lat", "home_lon"} & self.model_fields_set
        if sent and (len(sent) == 1 or (self.home_lat is None) != (self.home_lon is None)):
            raise ValueError(N_("home_lat and home_lon are set (or cleared with null) together"))
        return self

    def changes(self) -> dict[str, object]:
        """Only what the client sent; home_lat/home_lon may be null to clear them."""
        return self.model_dump(include=self.model_fields_set)
