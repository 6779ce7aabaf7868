"""Settings: TOML file, environment overrides, one-line errors."""

from __future__ import annotations

import pytest

from crewup.core.settings import Settings, SettingsError, load_settings


def test_defaults_are_the_embedded_setup(tmp_path) -> None:
    settings = load_settings({})
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.redis_url is None and settings.amqp_url is None
    assert settings.argon2_memory_kib == 65536  # production cost unless lowered on purpose


def test_file_then_environment(tmp_path) -> None:
    config = tmp_path / "crewup.toml"
    config.write_text('port = 9000\nhost = "0.0.0.0"\ndatabase_url = "postgresql://u@db/crewup"\n')
    settings = load_settings({"CREWUP_CONFIG": str(config), "CREWUP_PORT": "9100"})
    assert settings.port == 9100
    assert settings.host == "0.0.0.0"
    assert settings.effective_database_url == "postgresql+asyncpg://u@db/crewup"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"CREWUP_PORT": "http"}, "CREWUP_PORT"),
        ({"CREWUP_PORT": "70000"}, "CREWUP_PORT"),
        ({"CREWUP_DATABASE_URL": "mysql://x"}, "CREWUP_DATABASE_URL"),
        ({"CREWUP_REDIS_URL": "localhost:6379"}, "CREWUP_REDIS_URL"),
        ({"CREWUP_SECRET_KEY": "short"}, "CREWUP_SECRET_KEY"),
        ({"CREWUP_RATE_LIMIT_LOGIN": "lots"}, "CREWUP_RATE_LIMIT_LOGIN"),
    ],
)
def test_bad_values_name_the_setting_in_one_line(env, names) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(env)
    message = str(err.value)
    assert names in message and "\n" not in message


def test_unknown_key_in_the_file_and_missing_file(tmp_path) -> None:
    config = tmp_path / "crewup.toml"
    config.write_text("prot = 1\n")
    with pytest.raises(SettingsError, match="unknown setting 'prot'"):
        load_settings({"CREWUP_CONFIG": str(config)})
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings({"CREWUP_CONFIG": str(tmp_path / "missing.toml")})
    config.write_text("port = [")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings({"CREWUP_CONFIG": str(config)})


def test_example_config_is_valid_and_documents_every_setting() -> None:
    import tomllib
    from pathlib import Path

    example = Path(__file__).parents[2] / "config" / "crewup.example.toml"
    text = example.read_text()
    Settings.model_validate(tomllib.loads(text))
    for name in Settings.model_fields:
        assert name in text, f"{name} is not documented in crewup.example.toml"
