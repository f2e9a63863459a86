"""Data access: every query lives here, and nothing here commits."""
