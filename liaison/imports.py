"""The liaison Excel imports (core.imports registry)."""
