"""The real-time face in /metrics: sockets, frames, slow consumers and the pub/sub link."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class RealtimeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.open_sockets = Gauge(
            "crewup_ws_open_sockets", "WebSockets open in this process", registry=registry
        )
        self.frames_in = Counter(
            "crewup_ws_frames_in_total", "Frames received from clients", ["type"], registry=registry
        )
        self.frames_out = Counter(
            "crewup_ws_frames_out_total", "Frames written to clients", registry=registry
        )
        self.fan_out = Histogram(
            "crewup_ws_fan_out_seconds",
            "Time to hand one room frame to every socket of the room in this process",
            registry=registry,
            buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25),
        )
        self.slow_consumers = Counter(
            "crewup_ws_slow_consumers_total",
            "Sockets closed (1013) because their send queue overflowed",
            registry=registry,
        )
        self.pubsub_reconnects = Counter(
            "crewup_pubsub_reconnects_total",
            "Times the Redis pub/sub link came back after an outage",
            registry=registry,
        )
        self.pubsub_degraded = Gauge(
            "crewup_pubsub_degraded",
            "1 while Redis pub/sub is unreachable and delivery is local to this process",
            registry=registry,
        )
        self.pubsub_failures = Counter(
            "crewup_pubsub_publish_failures_total",
            "Publishes Redis refused or timed out (delivered locally instead)",
            registry=registry,
        )
        self.pubsub_lag = Histogram(
            "crewup_pubsub_lag_seconds",
            "From publish on one process to receipt on another",
            registry=registry,
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5),
        )
