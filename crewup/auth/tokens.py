"""Access tokens: RS256 JWTs with a `kid`; the algorithm is fixed here, never read from a token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import jwt

from crewup.auth.keyring import Keyring
from crewup.core import clock, ids
from crewup.core.errors import Unauthorized

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti"]


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    role: str
    jti: str


class TokenIssuer:
    def __init__(self, keyring: Keyring, issuer: str, audience: str, ttl: timedelta) -> None:
        self.keyring = keyring
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl

    def issue(self, user_id: int, role: str) -> str:
        key = self.keyring.signing_key()
        now = clock.now()
        claims = {
            "sub": str(user_id),
            "role": role,
            "iat": now,
            "exp": now + self.ttl,
            "iss": self.issuer,
            "aud": self.audience,
            "jti": ids.new_uuid(),
        }
        return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})

    def verify(self, token: str) -> AccessClaims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("access token is malformed") from None
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("access token uses an unsupported algorithm")
        key = self.keyring.verification_key(str(header.get("kid", "")))
        if key is None:
            raise Unauthorized("access token was signed by an unknown key")
        try:
            claims = jwt.decode(
                token,
                key.private_key.public_key(),
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("access token has expired") from None
        except jwt.PyJWTError:
            raise Unauthorized("access token is invalid") from None
        try:
            user_id = int(claims["sub"])
        except (TypeError, ValueError):
            raise Unauthorized("access token is invalid") from None
        if not 0 < user_id < 2**31:  # no account has such an id; the database would refuse it
            raise Unauthorized("access token is invalid")
        return AccessClaims(
            user_id=user_id, role=str(claims.get("role", "user")), jti=str(claims["jti"])
        )
