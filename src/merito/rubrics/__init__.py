"""Pure-Python scoring engine: rubrics as data, exact Decimal scores with explanations.

This package must never import Django or any other Mérito context (import-linter
contract in pyproject.toml).
"""
