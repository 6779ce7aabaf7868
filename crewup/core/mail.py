"""Outgoing mail. In the embedded default every message is written to a local outbox folder
as a standard .eml file (open it in any mail client); SMTP delivery arrives with the worker."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from pathlib import Path

from crewup.core import clock, ids


class FolderMailer:
    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    async def send(self, to: str, subject: str, body: str) -> Path:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = clock.now().strftime("%a, %d %b %Y %H:%M:%S +0000")
        message["Message-ID"] = f"<{ids.new_uuid()}@crewup>"
        message.set_content(body)
        name = f"{clock.now().strftime('%Y%m%dT%H%M%S')}-{ids.new_uuid()[:8]}.eml"
        return await asyncio.to_thread(self._write, name, message.as_bytes())

    def _write(self, name: str, data: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        path.write_bytes(data)
        return path
