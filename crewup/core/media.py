"""Where stored images live, behind a small interface so a bucket can replace the disk.

Names are made by `crewup.core.images` (a hex key and a width); a store refuses any other
name, so nothing a person sends ever becomes part of a filesystem path or object key.
Only the local store is built; an S3-compatible store would implement the same four
methods (see docs/operations.md).
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from pathlib import Path
from typing import Protocol

from crewup.core.images import NAME_PATTERN, ImageKind, file_names

_NAME = re.compile(NAME_PATTERN)


def is_media_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


class MediaStore(Protocol):
    async def put(self, name: str, data: bytes) -> None: ...

    async def get(self, name: str) -> bytes | None: ...

    async def exists(self, name: str) -> bool: ...

    async def delete(self, name: str) -> None: ...


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

    async def put(self, name: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, name, data)

    async def get(self, name: str) -> bytes | None:
        if not is_media_name(name):
            return None
        return await asyncio.to_thread(self._read, name)

    async def exists(self, name: str) -> bool:
        return await asyncio.to_thread(self._path(name).exists)

    async def delete(self, name: str) -> None:
        await asyncio.to_thread(self._path(name).unlink, True)


async def delete_image(store: MediaStore, key: str | None, kind: ImageKind) -> None:
    """Remove every stored size of an image (nothing for None)."""
    if key is None:
        return
    for name in file_names(key, kind):
        await store.delete(name)
