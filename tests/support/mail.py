"""Reading what CrewUp mailed: the embedded default writes each message as a .eml file."""

from __future__ import annotations

import email
import re
from email.message import Message

from crewup.core.settings import Settings


def sent_mail(settings: Settings) -> list[Message]:
    folder = settings.data_dir / "outbox" / "mail"
    paths = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(path.read_bytes()) for path in paths]


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def reset_tokens(settings: Settings) -> list[str]:
    tokens: list[str] = []
    for message in sent_mail(settings):
        tokens += re.findall(r"/password-reset/confirm\?token=([\w-]+)", body_of(message))
    return tokens
