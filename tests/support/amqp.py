"""RabbitMQ objects a test made, removed afterwards: every name starts with the test's
own `amqp_prefix`, and the topology says which names exist."""

from __future__ import annotations

from crewup.bus.rabbitmq import delete_topology

__all__ = ["delete_topology"]
