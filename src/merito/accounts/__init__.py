"""Accounts: one account per real person, keyed by identity document."""
