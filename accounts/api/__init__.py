"""REST API for users (read-only), role assignments and API tokens."""
