"""What moderation tells the rest of the system (most of its actions are told by the
domains they change: a ban by users, a removed post by posts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from crewup.core.dispatch import DomainEvent


@dataclass(frozen=True)
class PictureTakenDown(DomainEvent):
    """A moderator took a picture down. Its files go at once through the bus (a removed
    picture must stop loading for anyone holding its URL), not with the hourly prune."""

    name: ClassVar[str] = "picture.taken_down"
    key: str
    kind: str  # an ImageKind's name: which sizes were stored
    at: datetime  # the real wall clock, as file times are: a re-upload after it is kept
