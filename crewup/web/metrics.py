"""Prometheus metrics, in a registry owned by the app (tests may build many apps).

The HTTP metrics are recorded on every request, so they are plain arithmetic here and
become Prometheus samples only when /metrics is scraped: prometheus_client's own Counter
and Histogram take a lock on every `inc`/`observe`, which was about a fifth of what the
edge added to a /healthz answer. The exposition is what those two classes wrote (same
names, labels, buckets, `_created` series).
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Iterator

from aiohttp import web
from aiohttp.web_urldispatcher import AbstractRoute
from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

REQUESTS = "crewup_http_requests"
DURATION = "crewup_http_request_duration_seconds"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_BOUNDS = (*(floatToGoString(b) for b in BUCKETS), "+Inf")
# Methods labelled as themselves; anything else a client sends is "other" (a label per
# invented method would grow /metrics without bound).
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class _Route:
    """One (method, route) pair: answers per status, and the latency histogram."""

    __slots__ = ("answered", "answered_since", "buckets", "count", "since", "total")

    def __init__(self) -> None:
        self.since = time.time()
        self.answered: dict[int, int] = {}
        self.answered_since: dict[int, float] = {}
        self.buckets = [0] * (len(BUCKETS) + 1)  # per bucket, the last one +Inf
        self.count = 0
        self.total = 0.0


class HttpMetrics(Collector):
    """Requests answered per method, route and status, and their latency per method and
    route. Recorded only from the event loop's thread (the edge middleware), so without a
    lock; read by the registry when scraped, on that same thread."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._routes: dict[tuple[str, str], _Route] = {}
        registry.register(self)

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        if method not in _METHODS:  # any token is a method to HTTP: one series for the rest
            method = "other"
        series = self._routes.get((method, route))
        if series is None:
            series = self._routes[(method, route)] = _Route()
        answered = series.answered
        if status in answered:
            answered[status] += 1
        else:
            answered[status] = 1
            series.answered_since[status] = time.time()
        series.buckets[bisect_left(BUCKETS, seconds)] += 1  # a bound is "less or equal"
        series.count += 1
        series.total += seconds

    def collect(self) -> Iterator[Metric]:
        requests = Metric(REQUESTS, "HTTP requests answered", "counter")
        duration = Metric(DURATION, "Time to answer an HTTP request", "histogram")
        for (method, route), series in list(self._routes.items()):
            for status, count in list(series.answered.items()):
                labels = {"method": method, "route": route, "status": str(status)}
                requests.add_sample(REQUESTS + "_total", labels, float(count))
                requests.add_sample(REQUESTS + "_created", labels, series.answered_since[status])
            cumulative = 0
            for bound, count in zip(_BOUNDS, series.buckets, strict=True):
                cumulative += count
                labels = {"le": bound, "method": method, "route": route}
                duration.add_sample(DURATION + "_bucket", labels, float(cumulative))
            labels = {"method": method, "route": route}
            duration.add_sample(DURATION + "_count", labels, float(series.count))
            duration.add_sample(DURATION + "_sum", labels, series.total)
            duration.add_sample(DURATION + "_created", labels, series.since)
        yield requests
        yield duration

    def describe(self) -> Iterator[Metric]:
        # Names only, so the registry refuses a second collector with the same ones.
        yield Metric(REQUESTS, "HTTP requests answered", "counter")
        yield Metric(DURATION, "Time to answer an HTTP request", "histogram")


HTTP_METRICS = web.AppKey("http_metrics", HttpMetrics)


def route_label(route: AbstractRoute) -> str:
    # The route template, not the path: /api/v1/users/{user_id}, so label sets stay small.
    resource = route.resource
    return resource.canonical if resource is not None else "unmatched"
