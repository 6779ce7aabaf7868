"""Pictures whose files must stop loading now rather than at the next hourly prune."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from crewup.core.dispatch import DomainEvent
from crewup.core.images import ImageKind


@dataclass(frozen=True)
class PicturesDiscarded(DomainEvent):
    """A picture a moderator took down, an erased person's avatar, the covers of a deleted
    group and its events: whoever kept their URLs must not load them any more. The bus
    deletes the files after the commit, unless a row points at a key again by then."""

    name: ClassVar[str] = "pictures.discarded"
    kind: str  # an ImageKind's name: which sizes were stored
    keys: tuple[str, ...]
    at: datetime  # the real wall clock, as file times are: a re-upload after it is kept


def discarded(kind: ImageKind, keys: Sequence[str | None]) -> PicturesDiscarded | None:
    """The event for these keys (None when there is none to discard)."""
    kept = tuple(sorted({key for key in keys if key}))
    return PicturesDiscarded(kind.name, kept, datetime.now(UTC)) if kept else None
