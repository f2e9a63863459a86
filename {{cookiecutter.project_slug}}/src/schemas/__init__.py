"""Pydantic request and response models: Base / Create / Out (+ Update) per entity."""
