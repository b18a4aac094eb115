"""Mérito: open platform for merit-based public selection."""

__version__ = "0.1.0"
