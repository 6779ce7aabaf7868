"""Web push (the browser Push API) signed with VAPID. The key pair is generated once into
`data_dir/vapid/` (like the JWT keys); the public half is what browsers subscribe with.
Sending goes through pywebpush, which is synchronous, in a thread. pywebpush (and the
`requests` stack it brings, about 5 MB of RSS) is imported on the first send, not by every
web process at start."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization

from crewup.core.netguard import resolves_to_public

if TYPE_CHECKING:
    from py_vapid import Vapid02

log = logging.getLogger("crewup.push")


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str

    def info(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class Pusher:
    def __init__(self, key_dir: Path, subject: str, *, allow_private: bool = False) -> None:
        self.key_file = key_dir / "vapid_private.pem"
        self.subject = subject
        self.allow_private = allow_private
        self._vapid: Vapid02 | None = None

    def load(self) -> None:
        """Blocking: read the key, or make one (call from a thread)."""
        from py_vapid import Vapid02

        if self.key_file.exists():
            self._vapid = Vapid02.from_file(str(self.key_file))
            return
        vapid = Vapid02()
        vapid.generate_keys()
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        vapid.save_key(str(self.key_file))
        self.key_file.chmod(0o600)
        self._vapid = vapid

    @property
    def vapid(self) -> Vapid02:
        if self._vapid is None:
            self.load()
        assert self._vapid is not None
        return self._vapid

    @property
    def public_key(self) -> str:
        """The application server key a browser subscribes with (base64url, raw point)."""
        from py_vapid import b64urlencode

        raw = self.vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return str(b64urlencode(raw))

    async def send(self, subscription: Subscription, payload: dict[str, Any]) -> int:
        """The push service's status; 404 and 410 mean the subscription is gone."""
        return await asyncio.to_thread(self._send, subscription, json.dumps(payload))

    def _send(self, subscription: Subscription, data: str) -> int:
        if not self.allow_private and not self._endpoint_is_public(subscription.endpoint):
            # Checked again here, not only at subscribe time: a name can be re-pointed at
            # an internal address later. 410 makes the caller drop the subscription.
            log.warning("push endpoint is not a public host; subscription dropped")
            return 410
        from pywebpush import WebPushException, webpush

        try:
            response = webpush(
                subscription.info(),
                data=data,
                vapid_private_key=self.vapid,
                vapid_claims={"sub": self.subject},
                timeout=10,
                ttl=24 * 3600,
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else 0
            log.info("push refused", extra={"status": status})
            return int(status)
        return int(getattr(response, "status_code", 201))

    @staticmethod
    def _endpoint_is_public(endpoint: str) -> bool:
        parts = urlsplit(endpoint)
        try:
            port = parts.port or 443
        except ValueError:
            return False
        return resolves_to_public(parts.hostname or "", port)
