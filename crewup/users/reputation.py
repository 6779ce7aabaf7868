"""Reputation from the stored counters (`users.rating_count`, `users.rating_sum`).

The counters are kept by the ratings domain in the same transaction as each rating, by
SQL increments under the rated person's row lock; `crewup-admin fix reputation` checks
them against the ratings table.

The smoothed score is a Bayesian average, (C*m + sum) / (C + n): every person starts as if
rated `PRIOR_WEIGHT` times at `PRIOR_MEAN`, the middle of the 1..5 scale. One 5-star rating
then gives 3.33, not 5, and twenty ratings averaging 4.5 give 4.2: sorting by it puts
the consistently good ahead of the lucky few.
"""

from __future__ import annotations

PRIOR_MEAN = 3.0  # m: the middle of the scale, so no rating says neither good nor bad
PRIOR_WEIGHT = 5  # C: how many ratings it takes before a person's own mean dominates


def mean(count: int, total: int) -> float | None:
    return round(total / count, 2) if count else None


def smoothed(count: int, total: int) -> float:
    return round((PRIOR_WEIGHT * PRIOR_MEAN + total) / (PRIOR_WEIGHT + count), 3)
