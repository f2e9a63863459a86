"""Application settings, read from the environment and the project's `.env` file."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Found next to pyproject.toml whatever the working directory (tests, alembic, uvicorn).
ENV_FILE = Path(__file__).resolve().parent.parent / ".env"
{%- if cookiecutter.auth == "jwt" %}

# Values that mean "nobody changed the example yet"; refused in production.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "placeholder"})
MIN_SECRET_KEY_LENGTH = 32
{%- endif %}

type Environment = Literal["development", "test", "production"]
type LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Every setting the service reads; unknown keys are ignored."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        extra="ignore",
        hide_input_in_errors=True,
    )

    ENVIRONMENT: Environment = "development"
    DEBUG: bool = False
    LOG_LEVEL: LogLevel = "INFO"
    # None means: JSON when stdout is not a terminal, coloured console lines when it is.
    LOG_JSON: bool | None = None

    DATABASE_URL: SecretStr
    TEST_DATABASE_URL: SecretStr | None = None
    DB_POOL_SIZE: int = Field(default=20, ge=1)
    DB_POOL_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)
    DB_CONNECT_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0)
{%- if cookiecutter.auth == "jwt" %}

    SECRET_KEY: SecretStr = SecretStr("")
    ACCESS_TOKEN_EXPIRE_MINUTES: int = Field(default=15, ge=1, le=24 * 60)
{%- endif %}

    CORS_ORIGINS: Annotated[list[str], NoDecode] = []
    CORS_ALLOW_CREDENTIALS: bool = False

    # OWASP's Argon2id setting of 19 MiB, 2 passes, 1 lane: each hash in flight holds that
    # memory, so a lighter footprint per sign-in keeps the worker small. Tests go cheaper still.
    PASSWORD_HASH_TIME_COST: int = Field(default=2, ge=1)
    PASSWORD_HASH_MEMORY_KIB: int = Field(default=19 * 1024, ge=8)
    PASSWORD_HASH_PARALLELISM: int = Field(default=1, ge=1)

    @field_validator("LOG_JSON", "TEST_DATABASE_URL", mode="before")
    @classmethod
    def _empty_means_unset(cls, value: object) -> object:
        """Treat `KEY=` in .env as "not set" rather than as an invalid value."""
        return None if value == "" else value

    @field_validator("CORS_ORIGINS", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Accept a comma-separated list, the natural way to write it in .env."""
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("DATABASE_URL", "TEST_DATABASE_URL", mode="after")
    @classmethod
    def _require_asyncpg(cls, value: SecretStr | None) -> SecretStr | None:
        """Use the asyncpg driver whatever scheme the URL was written with."""
        if value is None:
            return None
        url = value.get_secret_value()
        for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
            if url.startswith(prefix):
                return SecretStr("postgresql+asyncpg://" + url.removeprefix(prefix))
        msg = "must be a PostgreSQL URL such as postgresql+asyncpg://user:pass@host:5432/db"
        raise ValueError(msg)

    @model_validator(mode="after")
    def _argon2_memory_fits_its_lanes(self) -> Self:
        """Refuse hashing settings Argon2 would reject at the first sign-up."""
        if self.PASSWORD_HASH_MEMORY_KIB < 8 * self.PASSWORD_HASH_PARALLELISM:
            msg = "Argon2 needs PASSWORD_HASH_MEMORY_KIB >= 8 x PASSWORD_HASH_PARALLELISM"
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        """Stop a production process from starting with settings that would expose it."""
        if self.ENVIRONMENT != "production":
            return self
        if self.DEBUG:
            msg = "DEBUG must be false in production"
            raise ValueError(msg)
        if "*" in self.CORS_ORIGINS and self.CORS_ALLOW_CREDENTIALS:
            msg = "CORS_ORIGINS='*' with CORS_ALLOW_CREDENTIALS=true lets any site act as the user"
            raise ValueError(msg)
{%- if cookiecutter.auth == "jwt" %}
        secret = self.SECRET_KEY.get_secret_value()
        if secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_KEY_LENGTH:
            msg = (
                f"SECRET_KEY must be a random value of at least {MIN_SECRET_KEY_LENGTH} characters"
                ' in production; generate one with: python -c "import secrets;'
                ' print(secrets.token_urlsafe(48))"'
            )
            raise ValueError(msg)
{%- endif %}
        return self

    @property
    def is_production(self) -> bool:
        """Whether the service runs in production."""
        return self.ENVIRONMENT == "production"


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
