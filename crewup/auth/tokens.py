"""Access tokens: RS256 JWTs with a `kid`; the algorithm is fixed here, never read from a token.

A client sends the same token on every call for its whole life (15 minutes by default), so
its signature is checked once: what it proved is remembered, keyed by the exact token, until
the token's own `exp`. Only tokens that passed every check are remembered, so nothing a
client sends can put an entry there; the memory is bounded. Nothing else is remembered: the
account (deleted, banned, role) is still read on every request by the caller (see
crewup/web/caller.py). A verification key leaves the keyring only once every token it signed
has expired (see keyring.py), so a remembered token never outlives its key.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import jwt

from crewup.auth.keyring import Keyring
from crewup.core import clock, ids
from crewup.core.errors import Unauthorized

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti"]
# Tokens remembered as verified: a few live clients per process, each with one token at a
# time; past this the oldest is forgotten (and simply verified again if it comes back).
VERIFIED_TOKENS_KEPT = 4096


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    role: str
    jti: str
    issued_at_ms: int  # `iat_ms` (Unix milliseconds), else `iat` x 1000


class TokenIssuer:
    def __init__(self, keyring: Keyring, issuer: str, audience: str, ttl: timedelta) -> None:
        self.keyring = keyring
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl
        # token -> (its claims, its exp as a Unix time, its key's id); dicts keep insertion
        # order.
        self._verified: dict[str, tuple[AccessClaims, float, str]] = {}

    def issue(self, user_id: int, role: str) -> str:
        key = self.keyring.signing_key()
        now = clock.now()
        claims = {
            "sub": str(user_id),
            "role": role,
            "iat": now,
            # `iat` is whole seconds; a new password voids tokens to the millisecond.
            "iat_ms": int(now.timestamp() * 1000),
            "exp": now + self.ttl,
            "iss": self.issuer,
            "aud": self.audience,
            "jti": ids.new_uuid(),
        }
        return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})

    def verify(self, token: str) -> AccessClaims:
        known = self._verified.get(token)
        # The same clock and rule as PyJWT's own check (expired once `exp <= now`); a key
        # the operator withdrew (compromised) takes its tokens with it at once.
        if (
            known is not None
            and known[1] > time.time()
            and self.keyring.verification_key(known[2]) is not None
        ):
            return known[0]
        claims, expires_at, kid = self._verify_signature(token)
        self._remember(token, claims, expires_at, kid)
        return claims

    def _remember(self, token: str, claims: AccessClaims, expires_at: float, kid: str) -> None:
        verified = self._verified
        verified.pop(token, None)  # an expired entry of the same token, if any
        while len(verified) >= VERIFIED_TOKENS_KEPT:
            del verified[next(iter(verified))]
        verified[token] = (claims, expires_at, kid)

    def _verify_signature(self, token: str) -> tuple[AccessClaims, float, str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("access token is malformed") from None
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("access token uses an unsupported algorithm")
        kid = str(header.get("kid", ""))
        key = self.keyring.verification_key(kid)
        if key is None:
            raise Unauthorized("access token was signed by an unknown key")
        try:
            claims = jwt.decode(
                token,
                key.public_key,
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
        try:
            # Tokens from before `iat_ms` existed: the start of their second.
            issued_at_ms = int(claims.get("iat_ms", int(claims["iat"]) * 1000))
        except (TypeError, ValueError):
            raise Unauthorized("access token is invalid") from None
        verified = AccessClaims(
            user_id=user_id,
            role=str(claims.get("role", "user")),
            jti=str(claims["jti"]),
            issued_at_ms=issued_at_ms,
        )
        return verified, float(claims["exp"]), kid
