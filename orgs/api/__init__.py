"""REST API for the organisation tree (/api/organizations/)."""
