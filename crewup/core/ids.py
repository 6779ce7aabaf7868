"""Random tokens and their stored digests, made in one place."""

import hashlib
import secrets
import uuid


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What we store for a bearer secret: a leaked table must not hand out live tokens."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_uuid() -> str:
    return uuid.uuid4().hex
