"""The recognition figures (registered in the core figures registry)."""
