"""The liaison demo (see core.demo)."""


def build(state):
    """Filled in by the demo builder."""
