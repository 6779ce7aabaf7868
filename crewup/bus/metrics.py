"""The bus in /metrics: how far the outbox lags, and what was published, consumed,
retried and given up on."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class BusMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.outbox_lag = Gauge(
            "crewup_outbox_lag_seconds",
            "Age of the oldest outbox row not yet published",
            registry=registry,
        )
        self.published = Counter(
            "crewup_bus_published_total", "Messages the relay published", registry=registry
        )
        self.publish_failures = Counter(
            "crewup_bus_publish_failures_total",
            "Relay batches the broker did not confirm",
            registry=registry,
        )
        self.consumed = Counter(
            "crewup_bus_consumed_total",
            "Messages a handler processed",
            ["handler"],
            registry=registry,
        )
        self.retried = Counter(
            "crewup_bus_retried_total", "Handler retries", ["handler"], registry=registry
        )
        self.dead_lettered = Counter(
            "crewup_bus_dead_lettered_total",
            "Messages given up on after every retry",
            ["handler"],
            registry=registry,
        )
        self.sent = Counter(
            "crewup_deliveries_total",
            "Mail and push sent or failed",
            ["channel", "outcome"],
            registry=registry,
        )
