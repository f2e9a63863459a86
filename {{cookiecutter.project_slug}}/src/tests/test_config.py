"""Settings: where they come from, and what production refuses."""

from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr, ValidationError

from src.config import ENV_FILE, Settings
from src.main import create_app

DATABASE_URL = "postgresql+asyncpg://app:db-password-value@127.0.0.1:5432/app"
{%- if cookiecutter.auth == "jwt" %}
STRONG_SECRET = "s" * 48
{%- endif %}


def production(**overrides: object) -> Settings:
    """Production settings that pass every check, with `overrides` applied."""
    values: dict[str, object] = {
        "ENVIRONMENT": "production",
        "DEBUG": False,
        "DATABASE_URL": DATABASE_URL,
{%- if cookiecutter.auth == "jwt" %}
        "SECRET_KEY": STRONG_SECRET,
{%- endif %}
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_env_file_is_found_next_to_the_project_not_the_working_directory() -> None:
    assert Path(__file__).resolve().parents[2] / ".env" == ENV_FILE


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DATABASE_URL={DATABASE_URL}\nNOT_A_SETTING=1\n")

    settings = Settings(_env_file=env_file)

    assert not hasattr(settings, "NOT_A_SETTING")


def test_plain_postgresql_urls_get_the_asyncpg_driver() -> None:
    settings = Settings(_env_file=None, DATABASE_URL=SecretStr("postgresql://u@h/d"))

    assert settings.DATABASE_URL.get_secret_value() == "postgresql+asyncpg://u@h/d"


def test_non_postgresql_url_is_refused() -> None:
    with pytest.raises(ValidationError, match="must be a PostgreSQL URL"):
        Settings(_env_file=None, DATABASE_URL=SecretStr("sqlite:///db.sqlite3"))


def test_cors_origins_accept_a_comma_separated_list() -> None:
    settings = production(CORS_ORIGINS="https://a.example, https://b.example")

    assert settings.CORS_ORIGINS == ["https://a.example", "https://b.example"]


def test_secrets_stay_out_of_repr() -> None:
    settings = production()

    assert "db-password-value" not in repr(settings)
{%- if cookiecutter.auth == "jwt" %}
    assert STRONG_SECRET not in repr(settings)
{%- endif %}


def test_secrets_stay_out_of_validation_errors() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, DATABASE_URL=SecretStr("mysql://u:db-password-value@h/d"))

    assert "db-password-value" not in str(caught.value)


def test_production_accepts_safe_settings() -> None:
    assert production().is_production


def test_production_refuses_debug() -> None:
    with pytest.raises(ValidationError, match="DEBUG must be false"):
        production(DEBUG=True)


def test_production_refuses_any_origin_with_credentials() -> None:
    with pytest.raises(ValidationError, match="CORS_ORIGINS"):
        production(CORS_ORIGINS="*", CORS_ALLOW_CREDENTIALS=True)
{%- if cookiecutter.auth == "jwt" %}


@pytest.mark.parametrize(
    "secret",
    ["", "changeme", "CHANGEME", "secret", "placeholder", "short-but-random-31-chars-xxxxx"],
)
def test_production_refuses_weak_secret_keys(secret: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY must be a random value"):
        production(SECRET_KEY=secret)


def test_a_refused_secret_key_is_not_echoed() -> None:
    with pytest.raises(ValidationError) as caught:
        production(SECRET_KEY="Zq8-too-short-to-use")

    assert "Zq8-too-short-to-use" not in str(caught.value)
{%- endif %}


async def test_production_serves_no_api_docs() -> None:
    app = create_app(production())
    async with AsyncClient(transport=ASGITransport(app=app), base_url="https://t") as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            response = await client.get(path)

            assert response.status_code == 404, path


async def test_development_serves_api_docs(client: AsyncClient) -> None:
    response = await client.get("/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"]
