"""What auth announces: mail to send (through the outbox), sign-ins that ended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from crewup.core.dispatch import DomainEvent


@dataclass(frozen=True)
class PasswordResetRequested(DomainEvent):
    """The reset link's token travels sealed (core.signing.Sealer): only the digest is
    stored, and whoever reads the outbox cannot use the link."""

    name: ClassVar[str] = "password_reset.requested"
    user_id: int
    sealed_token: str
    # The language the person was reading when they asked (pages only): their mail
    # speaks it unless their own setting says otherwise.
    locale: str | None = None


@dataclass(frozen=True)
class VerificationRequested(DomainEvent):
    """Send the address confirmation link again."""

    name: ClassVar[str] = "email.verification_requested"
    user_id: int
    # The language the person was reading when they asked (pages only): their mail
    # speaks it unless their own setting says otherwise.
    locale: str | None = None


@dataclass(frozen=True)
class SessionsEnded(DomainEvent):
    """Every sign-in of the person ended (password reset, ban, deletion): open sockets
    close too (crewup.wiring)."""

    name: ClassVar[str] = "auth.sessions_ended"
    leaves_transaction: ClassVar[bool] = False
    user_id: int
