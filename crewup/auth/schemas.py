from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, EmailStr, StringConstraints

from crewup.auth.service import IssuedTokens
from crewup.users.schemas import DisplayName, UserMe
from crewup.web.schemas import InputModel

NewPassword = Annotated[str, StringConstraints(min_length=10, max_length=1024)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class RegisterIn(InputModel):
    email: EmailStr
    password: NewPassword
    display_name: DisplayName


class LoginIn(InputModel):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]
    password: Secret


class RefreshIn(InputModel):
    refresh_token: Secret


class PasswordResetIn(InputModel):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]


class PasswordResetConfirmIn(InputModel):
    token: Secret
    new_password: NewPassword


class PasswordChangeIn(InputModel):
    current_password: Secret
    new_password: NewPassword


class TokenPairOut(BaseModel):
    user: UserMe
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int

    @classmethod
    def of(cls, issued: IssuedTokens) -> TokenPairOut:
        return cls(
            user=UserMe.of(issued.account),
            access_token=issued.access_token,
            refresh_token=issued.refresh_token,
            expires_in=issued.expires_in,
        )


class AcceptedOut(BaseModel):
    status: Literal["accepted"] = "accepted"
    detail: str


class VerifyEmailIn(InputModel):
    token: Secret
