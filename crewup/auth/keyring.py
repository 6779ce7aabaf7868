"""RS256 signing keys: generated into the data dir, rotated by the CLI, published as JWKS.

Layout of `<data_dir>/keys/`: one `<kid>.pem` per private key and `keyring.json`
listing them with `created_at` and `retired_at`. The newest unretired key signs;
retired keys stay published until every token they signed has expired.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from crewup.core import clock
from crewup.core.settings import Settings


class KeyringError(Exception):
    pass


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    created_at: datetime
    retired_at: datetime | None

    @functools.cached_property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, str]:
        numbers = self.private_key.public_key().public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": _b64uint(numbers.n),
            "e": _b64uint(numbers.e),
        }


def _b64uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _kid_for(key: rsa.RSAPrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:16]


def _generate() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Keyring:
    """Keys on disk, re-read when another process (the CLI, a sibling server) changes them."""

    def __init__(self, key_dir: Path, token_ttl: timedelta, *, fixed_key_file: Path | None = None):
        self.key_dir = key_dir
        self.token_ttl = token_ttl
        self.fixed_key_file = fixed_key_file
        self._keys: list[SigningKey] = []
        self._seen_mtime: int | None = None

    @property
    def _index(self) -> Path:
        return self.key_dir / "keyring.json"

    @functools.cached_property
    def _index_name(self) -> str:
        return str(self._index)

    def load(self) -> None:
        """Blocking (it may generate a key): run it in a thread from async code."""
        if self.fixed_key_file is not None:
            self._keys = [self._read_fixed()]
            return
        with self._locked():
            if not self._index.exists():
                self._write([self._new_key()])
        self._reload()

    def _read_fixed(self) -> SigningKey:
        assert self.fixed_key_file is not None
        try:
            key = serialization.load_pem_private_key(self.fixed_key_file.read_bytes(), None)
        except (OSError, ValueError) as exc:
            raise KeyringError(
                f"jwt_private_key_file: cannot load {self.fixed_key_file}: {exc}"
            ) from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise KeyringError("jwt_private_key_file: not an RSA private key")
        return SigningKey(_kid_for(key), key, clock.now(), None)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.key_dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _new_key(self) -> SigningKey:
        key = _generate()
        kid = _kid_for(key)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path = self.key_dir / f"{kid}.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        return SigningKey(kid, key, clock.now(), None)

    def _write(self, keys: list[SigningKey]) -> None:
        entries = [
            {
                "kid": k.kid,
                "created_at": k.created_at.isoformat(),
                "retired_at": k.retired_at.isoformat() if k.retired_at else None,
            }
            for k in keys
        ]
        tmp = self._index.with_suffix(".tmp")
        tmp.write_text(json.dumps({"keys": entries}, indent=2))
        os.replace(tmp, self._index)

    def _reload(self) -> None:
        stat = self._index.stat()
        entries: list[dict[str, Any]] = json.loads(self._index.read_text())["keys"]
        keys = []
        for entry in entries:
            pem = (self.key_dir / f"{entry['kid']}.pem").read_bytes()
            private = serialization.load_pem_private_key(pem, None)
            assert isinstance(private, rsa.RSAPrivateKey)
            retired = entry["retired_at"]
            keys.append(
                SigningKey(
                    entry["kid"],
                    private,
                    datetime.fromisoformat(entry["created_at"]),
                    datetime.fromisoformat(retired) if retired else None,
                )
            )
        self._keys = keys
        self._seen_mtime = stat.st_mtime_ns

    def refresh_if_changed(self) -> None:
        if self.fixed_key_file is not None:
            return
        try:
            # os.stat on a kept string: every bearer request asks, and building the Path
            # each time cost as much as the stat itself.
            mtime = os.stat(self._index_name).st_mtime_ns
        except FileNotFoundError:
            return
        if mtime != self._seen_mtime:
            self._reload()

    def signing_key(self) -> SigningKey:
        self.refresh_if_changed()
        live = [k for k in self._keys if k.retired_at is None]
        if not live:
            raise KeyringError("no active signing key")
        return max(live, key=lambda k: k.created_at)

    def verification_key(self, kid: str) -> SigningKey | None:
        self.refresh_if_changed()
        for key in self._published():
            if key.kid == kid:
                return key
        return None

    def _published(self) -> list[SigningKey]:
        horizon = clock.now() - self.token_ttl
        return [k for k in self._keys if k.retired_at is None or k.retired_at > horizon]

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        self.refresh_if_changed()
        return {"keys": [k.public_jwk() for k in self._published()]}

    def rotate(self) -> tuple[SigningKey, list[str]]:
        """Blocking. A new key signs from now on; returns it and the kids pruned for good."""
        if self.fixed_key_file is not None:
            raise KeyringError("keys come from jwt_private_key_file; replace that file instead")
        with self._locked():
            if self._index.exists():
                self._reload()
            now = clock.now()
            horizon = now - self.token_ttl
            kept, pruned = [], []
            for key in self._keys:
                if key.retired_at is None:
                    key = SigningKey(key.kid, key.private_key, key.created_at, now)
                if key.retired_at is not None and key.retired_at <= horizon:
                    pruned.append(key.kid)
                else:
                    kept.append(key)
            new = self._new_key()
            self._write([*kept, new])
            for kid in pruned:
                (self.key_dir / f"{kid}.pem").unlink(missing_ok=True)
        self._reload()
        return new, pruned


def keyring_for(settings: Settings) -> Keyring:
    """The keyring a server or the CLI uses: keys in `<data_dir>/keys`, or one fixed key."""
    return Keyring(
        settings.data_dir / "keys",
        timedelta(seconds=settings.access_token_ttl_seconds),
        fixed_key_file=settings.jwt_private_key_file,
    )
