"""argon2id hashing in worker threads, with a cap so a login burst cannot eat all memory."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher as Argon2Hasher
from argon2.exceptions import InvalidHashError, VerificationError


class PasswordHasher:
    def __init__(self, time_cost: int, memory_kib: int, max_parallel: int = 4) -> None:
        self._argon2 = Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._slots = asyncio.Semaphore(max_parallel)
        # Verified against when the email is unknown, so timing does not reveal accounts.
        self._decoy: str | None = None

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._argon2.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None:
            if self._decoy is None:
                self._decoy = await self.hash("decoy password")
            await self._check(self._decoy, password)
            return False
        return await self._check(password_hash, password)

    async def _check(self, password_hash: str, password: str) -> bool:
        async with self._slots:
            try:
                return await asyncio.to_thread(self._argon2.verify, password_hash, password)
            except (VerificationError, InvalidHashError):
                return False
