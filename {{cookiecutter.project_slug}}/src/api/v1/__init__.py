"""Version 1 of the public API."""

PREFIX = "/api/v1"
