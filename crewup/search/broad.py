"""Which queries are known to match many rows of a kind, so a search need not count them.

A search counts each kind's matches first (crewup/search/candidates.py) to choose how to
rank it. Counting a short prefix ("pa", "pari") is the dearest statement of a search: the
text index finds every match before the count can stop, thousands of them, ~10 ms on
PostgreSQL at 100k rows, more than the ranking and the snippets together. And those are
the queries typed most, by everyone, letter by letter.

"Matches many" is only a choice of plan (rank the newest matches and exact names) and
stays true as rows are added, so it is remembered here for a few minutes per query and
kind; a kind that matches few or none is counted on every search, so a new row is found
at once. If rows are deleted meanwhile, the plan may still be the broad one for at most
`seconds`: the answers stay right, older matches are just not offered until then.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable

from crewup.search.kinds import Kind


class BroadQueries:
    """Per process: (query text, kind) pairs that matched more than MATCHES rows."""

    def __init__(self, seconds: float = 300.0, size: int = 4096) -> None:
        self._seconds = seconds
        self._size = size
        self._until: OrderedDict[tuple[str, Kind], float] = OrderedDict()

    def known(self, text: str, kinds: Iterable[Kind]) -> set[Kind]:
        now = time.monotonic()
        found = set()
        for kind in kinds:
            until = self._until.get((text, kind))
            if until is None:
                continue
            if until > now:
                found.add(kind)
                self._until.move_to_end((text, kind))  # the least recently asked go first
            else:
                del self._until[(text, kind)]
        return found

    def remember(self, text: str, kinds: Iterable[Kind]) -> None:
        until = time.monotonic() + self._seconds
        for kind in kinds:
            self._until[(text, kind)] = until
            self._until.move_to_end((text, kind))
        while len(self._until) > self._size:
            self._until.popitem(last=False)
