"""Add an entity to this service through every layer, in the pattern `items` follows."""
