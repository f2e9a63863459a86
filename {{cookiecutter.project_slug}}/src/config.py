"""Application settings, read from the environment and the project's `.env` file."""

import sys
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from limits import parse
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Found next to pyproject.toml whatever the working directory (tests, alembic, uvicorn).
ENV_FILE = Path(__file__).resolve().parent.parent / ".env"
{%- if cookiecutter.auth == "jwt" %}

# Values that mean "nobody changed the example yet"; refused in production.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "placeholder"})
MIN_SECRET_KEY_LENGTH = 32
GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"  # noqa: S105 - a command
{%- endif %}

type Environment = Literal["development", "test", "production"]
type LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Every setting the service reads; unknown keys are ignored."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        extra="ignore",
        # `KEY=` (as .env.example lists every key) means "not set": the default applies.
        env_ignore_empty=True,
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
{%- if cookiecutter.background_jobs == "arq" %}

    # The job queue and the rate-limit counts: redis://[[user]:password@]host:6379/<db>.
    REDIS_URL: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    REDIS_TIMEOUT_SECONDS: float = Field(default=2.0, gt=0)
    # Starts the job queue's name and the rate-limit keys: services sharing a Redis differ.
    REDIS_PREFIX: str = Field(default="{{ cookiecutter.project_slug }}", min_length=1)
{%- endif %}
{%- if cookiecutter.auth == "jwt" %}

    # Required in every environment: without it no token can be signed or checked.
    SECRET_KEY: SecretStr = Field(default=SecretStr(""), validate_default=True)
    ACCESS_TOKEN_EXPIRE_MINUTES: int = Field(default=15, ge=1, le=24 * 60)
    TOKEN_ISSUER: str = Field(default="{{ cookiecutter.project_slug }}", min_length=1)
    TOKEN_AUDIENCE: str = Field(default="{{ cookiecutter.project_slug }}", min_length=1)
{%- endif %}

    CORS_ORIGINS: Annotated[list[str], NoDecode] = []
    CORS_ALLOW_CREDENTIALS: bool = False
    # Proxies whose X-Forwarded-For/-Proto are believed (uvicorn's syntax: IPs, CIDRs or "*");
    # empty: the client address is the socket's peer.
    FORWARDED_ALLOW_IPS: Annotated[list[str], NoDecode] = []

    MAX_REQUEST_BODY_BYTES: int = Field(default=1024 * 1024, ge=1)
    # "N/second|minute|hour|day" (the `limits` notation); counted {% if cookiecutter.background_jobs == "arq" %}in Redis{% else %}per process{% endif %}, see README.
{%- if cookiecutter.auth == "jwt" %}
    RATE_LIMIT_LOGIN_PER_ADDRESS: str = "20/minute"
    RATE_LIMIT_LOGIN_PER_ACCOUNT: str = "5/minute"
{%- endif %}
    RATE_LIMIT_SIGNUP_PER_ADDRESS: str = "10/hour"
{%- if cookiecutter.auth == "jwt" %}

    # OWASP's Argon2id setting of 19 MiB, 2 passes, 1 lane: each hash in flight holds that
    # memory, so a lighter footprint per sign-in keeps the worker small. Tests go cheaper still.
    PASSWORD_HASH_TIME_COST: int = Field(default=2, ge=1)
    PASSWORD_HASH_MEMORY_KIB: int = Field(default=19 * 1024, ge=8)
    PASSWORD_HASH_PARALLELISM: int = Field(default=1, ge=1)
    # At most THREADS hashes run at once and QUEUE more wait; beyond that: 503 at once.
    PASSWORD_HASH_THREADS: int = Field(default=2, ge=1)
    PASSWORD_HASH_QUEUE: int = Field(default=16, ge=0)
{%- endif %}

    @field_validator("LOG_JSON", "TEST_DATABASE_URL", mode="before")
    @classmethod
    def _empty_means_unset(cls, value: object) -> object:
        """Treat `KEY=` in .env as "not set" rather than as an invalid value."""
        return None if value == "" else value

    @field_validator("CORS_ORIGINS", "FORWARDED_ALLOW_IPS", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
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

    @field_validator(
{%- if cookiecutter.auth == "jwt" %}
        "RATE_LIMIT_LOGIN_PER_ADDRESS",
        "RATE_LIMIT_LOGIN_PER_ACCOUNT",
{%- endif %}
        "RATE_LIMIT_SIGNUP_PER_ADDRESS",
    )
    @classmethod
    def _parsable_rate_limit(cls, value: str) -> str:
        """Refuse a limit the `limits` notation cannot read, at start-up rather than per request."""
        try:
            parse(value)
        except ValueError as exc:
            msg = 'must read like "20/minute" (N per second, minute, hour or day)'
            raise ValueError(msg) from exc
        return value
{%- if cookiecutter.background_jobs == "arq" %}

    @field_validator("REDIS_URL", mode="after")
    @classmethod
    def _require_redis_scheme(cls, value: SecretStr) -> SecretStr:
        """Refuse anything but a Redis URL, naming the expected form."""
        if not value.get_secret_value().startswith(("redis://", "rediss://", "unix://")):
            msg = "must be a Redis URL such as redis://host:6379/0 (rediss:// for TLS)"
            raise ValueError(msg)
        return value
{%- endif %}
{%- if cookiecutter.auth == "jwt" %}

    @field_validator("SECRET_KEY")
    @classmethod
    def _secret_key_is_set(cls, value: SecretStr) -> SecretStr:
        """Refuse an empty key in every environment; production asks for more below."""
        if not value.get_secret_value().strip():
            msg = "must be set; generate one with: " + GENERATE_SECRET
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _argon2_memory_fits_its_lanes(self) -> Self:
        """Refuse hashing settings Argon2 would reject at the first sign-up."""
        if self.PASSWORD_HASH_MEMORY_KIB < 8 * self.PASSWORD_HASH_PARALLELISM:
            msg = "Argon2 needs PASSWORD_HASH_MEMORY_KIB >= 8 x PASSWORD_HASH_PARALLELISM"
            raise ValueError(msg)
        return self
{%- endif %}

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
                f" in production; generate one with: {GENERATE_SECRET}"
            )
            raise ValueError(msg)
{%- endif %}
        return self

    @property
    def is_production(self) -> bool:
        """Whether the service runs in production."""
        return self.ENVIRONMENT == "production"
{%- if cookiecutter.background_jobs == "arq" %}

    @property
    def job_queue_name(self) -> str:
        """The Redis sorted set the API fills with jobs and the workers empty."""
        return f"{self.REDIS_PREFIX}:jobs"
{%- endif %}


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()


def load_settings() -> Settings:
    """Return the process-wide settings, or stop with one line naming what is wrong."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        sys.exit(f"ERROR: invalid settings: {problems}")
