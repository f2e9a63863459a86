"""Settings: where they come from, and what every environment (production most) refuses."""

import importlib.util
{%- if cookiecutter.auth == "jwt" %}
import subprocess
import sys
{%- endif %}
import tomllib
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr, ValidationError

from src import __version__
from src.config import Settings
from src.main import create_app

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = "postgresql+asyncpg://app:db-password-value@127.0.0.1:5432/app"
{%- if cookiecutter.auth == "jwt" %}
STRONG_SECRET = "s" * 48
{%- endif %}


def settings(**values: object) -> Settings:
    """Settings from `values` (`_env_file` too, else none), with the required ones filled in."""
    required: dict[str, object] = {
        "DATABASE_URL": DATABASE_URL,
{%- if cookiecutter.auth == "jwt" %}
        "SECRET_KEY": STRONG_SECRET,
{%- endif %}
    }
    return Settings(**({"_env_file": None} | required | values))  # type: ignore[arg-type]


def production(**overrides: object) -> Settings:
    """Production settings that pass every check, with `overrides` applied."""
    return settings(**({"ENVIRONMENT": "production", "DEBUG": False} | overrides))


def test_env_file_is_found_next_to_the_project_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of the project's config module, with a .env of its own beside its project root,
    # loaded from a working directory whose .env says otherwise.
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "config.py").write_bytes((PROJECT_ROOT / "src" / "config.py").read_bytes())
    (project / ".env").write_text("LOG_LEVEL=ERROR\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".env").write_text("LOG_LEVEL=CRITICAL\n")
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    spec = importlib.util.spec_from_file_location("copied_config", project / "src" / "config.py")
    assert spec is not None
    assert spec.loader is not None
    copied = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copied)

    loaded = copied.Settings(DATABASE_URL=DATABASE_URL{% if cookiecutter.auth == "jwt" %}, SECRET_KEY=STRONG_SECRET{% endif %})

    assert loaded.LOG_LEVEL == "ERROR"


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("NOT_A_SETTING=1\n")

    loaded = settings(_env_file=env_file)

    assert set(loaded.model_dump()) == set(Settings.model_fields)


def test_an_empty_value_in_env_means_the_default(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("MAX_REQUEST_BODY_BYTES=\nLOG_JSON=\n")

    loaded = settings(_env_file=env_file)

    assert loaded.MAX_REQUEST_BODY_BYTES == 1024 * 1024
    assert loaded.LOG_JSON is None


def test_plain_postgresql_urls_get_the_asyncpg_driver() -> None:
    loaded = settings(DATABASE_URL=SecretStr("postgresql://u@h/d"))

    assert loaded.DATABASE_URL.get_secret_value() == "postgresql+asyncpg://u@h/d"


def test_non_postgresql_url_is_refused() -> None:
    with pytest.raises(ValidationError, match="must be a PostgreSQL URL"):
        settings(DATABASE_URL=SecretStr("sqlite:///db.sqlite3"))


def test_cors_origins_accept_a_comma_separated_list() -> None:
    loaded = production(CORS_ORIGINS="https://a.example, https://b.example")

    assert loaded.CORS_ORIGINS == ["https://a.example", "https://b.example"]


def test_a_rate_limit_that_cannot_be_read_is_refused() -> None:
    with pytest.raises(ValidationError, match="RATE_LIMIT_SIGNUP_PER_ADDRESS"):
        settings(RATE_LIMIT_SIGNUP_PER_ADDRESS="ten a minute")


def test_secrets_stay_out_of_repr() -> None:
    loaded = production()

    assert "db-password-value" not in repr(loaded)
{%- if cookiecutter.auth == "jwt" %}
    assert STRONG_SECRET not in repr(loaded)
{%- endif %}


def test_secrets_stay_out_of_validation_errors() -> None:
    with pytest.raises(ValidationError) as caught:
        settings(DATABASE_URL=SecretStr("mysql://u:db-password-value@h/d"))

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
    "secret", ["changeme", "CHANGEME", "secret", "placeholder", "short-but-random-31-chars-xxxxx"]
)
def test_production_refuses_weak_secret_keys(secret: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY must be a random value"):
        production(SECRET_KEY=secret)


@pytest.mark.parametrize("environment", ["development", "test", "production"])
@pytest.mark.parametrize("secret", ["", "   "], ids=["empty", "blank"])
def test_every_environment_refuses_an_empty_secret_key(environment: str, secret: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY\\n  Value error, must be set"):
        settings(ENVIRONMENT=environment, SECRET_KEY=secret)


def test_a_refused_secret_key_is_not_echoed() -> None:
    with pytest.raises(ValidationError) as caught:
        production(SECRET_KEY="Zq8-too-short-to-use")

    assert "Zq8-too-short-to-use" not in str(caught.value)


def test_the_service_will_not_start_without_a_secret_key() -> None:
    # What `uvicorn src.main:app` does first: import the module, in a fresh interpreter. (A
    # blank value: an empty one would count as unset, and .env's key would be used.)
    result = subprocess.run(
        [sys.executable, "-c", "import src.main"],
        cwd=PROJECT_ROOT,
        env={"SECRET_KEY": " ", "ENVIRONMENT": "development", "DATABASE_URL": DATABASE_URL},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "ERROR: invalid settings: SECRET_KEY: Value error, must be set; generate one with:"
        " python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    ]
{%- endif %}


def test_the_version_is_the_one_in_pyproject() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    assert __version__ == project["project"]["version"]
    assert create_app(settings()).description == project["project"]["description"]


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
    assert response.json()["info"]["version"] == __version__
