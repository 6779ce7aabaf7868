"""The path by which a change causes work elsewhere, with nothing lost and nothing done
twice: the transactional outbox, the relay that publishes it (RabbitMQ with publisher
confirms, or in-process), idempotent handlers with retries and dead letters, and the
scheduler. It knows no domain; the composition root wires handlers to it."""
