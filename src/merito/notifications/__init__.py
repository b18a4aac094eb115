"""Outgoing messages: a queued outbox sent by a Celery task, inspectable and resendable."""
