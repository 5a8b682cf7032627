"""The liaison figures (registered in the core figures registry)."""
