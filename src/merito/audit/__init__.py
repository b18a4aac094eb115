"""Audit trail: append-only, hash-chained record of every state change."""
