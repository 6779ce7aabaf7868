"""Where stored images live, behind a small interface so a bucket can replace the disk.

Names are made by `crewup.core.images` (a hex key and a width); a store refuses any other
name, so nothing a person sends ever becomes part of a filesystem path or object key.
Nothing removes a file on the request path: the same bytes may be uploaded again while
another request lets them go, so unreferenced files are pruned later, once older than a
grace period (crewup.core.media_prune).
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from crewup.core.images import NAME_PATTERN

_NAME = re.compile(NAME_PATTERN)
# Names are content-addressed and never reused for other bytes: cacheable for a year.
CACHE_FOREVER = "public, max-age=31536000, immutable"


def is_media_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def key_of(name: str) -> str:
    """The image key a stored file belongs to (its name before the width)."""
    return name.split("-", 1)[0]


class MediaStoreUnavailable(Exception):
    """The configured store cannot be used (a bucket that is missing or refuses us)."""


class MediaStoreUnreachable(ConnectionError):
    """The store did not answer a request (a bucket's endpoint down, timing out or
    overloaded): an outage, answered 503 with Retry-After like the database's."""


@dataclass(frozen=True)
class StoredFile:
    name: str
    modified: datetime  # the last write (a re-upload of the same bytes refreshes it)


class MediaStore(Protocol):
    async def put(self, name: str, data: bytes) -> None: ...

    async def get(self, name: str) -> bytes | None: ...

    async def exists(self, name: str) -> bool: ...

    async def listing(self) -> list[StoredFile]: ...

    async def delete_if_older(self, name: str, cutoff: datetime) -> bool:
        """Delete the file unless it was written at or after `cutoff` (an upload of the
        same bytes since it was listed); True if it was deleted."""
        ...

    def public_url(self, name: str) -> str | None:
        """Where browsers may fetch the file directly, or None to serve it ourselves."""
        ...


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


class LocalMediaStore:
    """Files under one directory, spread over 256 subdirectories by the name's first two
    hex digits; written to a temporary name and renamed, so a reader never sees half."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        if not is_media_name(name):
            raise ValueError(f"not a media name: {name!r}")
        return self.root / name[:2] / name

    def _write(self, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{name}.{secrets.token_hex(4)}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)

    def _read(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None

    def _list(self) -> list[StoredFile]:
        found: list[StoredFile] = []
        if not self.root.is_dir():
            return found
        for folder in os.scandir(self.root):
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder.path):
                if not is_media_name(entry.name):
                    continue  # a temporary file of a write in progress, or not ours
                try:
                    found.append(StoredFile(entry.name, _moment(entry.stat().st_mtime)))
                except FileNotFoundError:
                    continue
        return found

    def _delete_if_older(self, name: str, cutoff: datetime) -> bool:
        path = self._path(name)
        try:
            # Stat again right before unlinking: a write since the listing keeps it.
            if _moment(path.stat().st_mtime) >= cutoff:
                return False
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    async def put(self, name: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, name, data)

    async def get(self, name: str) -> bytes | None:
        if not is_media_name(name):
            return None
        return await asyncio.to_thread(self._read, name)

    async def exists(self, name: str) -> bool:
        return await asyncio.to_thread(self._path(name).exists)

    async def listing(self) -> list[StoredFile]:
        return await asyncio.to_thread(self._list)

    async def delete_if_older(self, name: str, cutoff: datetime) -> bool:
        return await asyncio.to_thread(self._delete_if_older, name, cutoff)

    def public_url(self, name: str) -> str | None:
        return None
