"""What the auth rules need besides a connection, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from crewup.auth.passwords import PasswordHasher
from crewup.auth.tokens import AccessClaims, TokenIssuer
from crewup.core.ratelimit import RateLimiter
from crewup.core.settings import Settings
from crewup.core.signing import Sealer, Signer


@dataclass(frozen=True)
class AuthKit:
    hasher: PasswordHasher
    issuer: TokenIssuer
    limiter: RateLimiter
    sealer: Sealer
    signer: Signer
    settings: Settings

    @property
    def refresh_ttl(self) -> timedelta:
        return timedelta(days=self.settings.refresh_token_ttl_days)

    def access_token_subject(self, token: str) -> AccessClaims:
        """Whom an access token speaks for, and since when (Unauthorized if it is not
        valid)."""
        return self.issuer.verify(token)
