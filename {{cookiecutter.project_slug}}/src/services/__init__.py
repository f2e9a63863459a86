"""Business logic: services take repositories, raise domain errors and return schemas."""
