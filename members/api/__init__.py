"""REST API for people and memberships (/api/people/, /api/memberships/)."""
