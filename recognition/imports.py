"""The recognition Excel imports (core.imports registry)."""
