"""Signed, expiring tokens for links that need no sign-in: confirming an e-mail address,
unsubscribing from a kind of e-mail. Each purpose has its own salt, so a token made for
one cannot be used for another."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from itsdangerous import BadSignature, URLSafeTimedSerializer


class Signer:
    def __init__(self, secret_key: str) -> None:
        self._secret = secret_key

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret, salt=f"crewup.{purpose}")

    def sign(self, purpose: str, data: dict[str, Any]) -> str:
        return str(self._serializer(purpose).dumps(data))

    def read(self, purpose: str, token: str, max_age_seconds: int) -> dict[str, Any] | None:
        """The signed data, or None if the token is forged, for another purpose, or old."""
        try:
            data = self._serializer(purpose).loads(token, max_age=max_age_seconds)
        except (BadSignature, ValueError, TypeError):
            return None
        return data if isinstance(data, dict) else None


class Sealer:
    """Encrypts a secret that must travel through the outbox (a password-reset token on
    its way to the mail handler): whoever reads the outbox table cannot use it."""

    def __init__(self, secret_key: str) -> None:
        key = hashlib.sha256(f"seal:{secret_key}".encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str | None:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except (InvalidToken, ValueError):
            return None
