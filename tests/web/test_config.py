"""Configuration comes from the environment and fails at start naming the bad setting."""

import pytest

from callcenter import ConfigError, create_app


def test_defaults_run_on_embedded_sqlite_in_the_instance_folder():
    app = create_app(environ={})
    assert app.config["DATABASE_URL"].startswith("sqlite:///")
    assert app.config["DATABASE_URL"].endswith("instance/callcenter.sqlite3")
    assert app.config["REDIS_URL"] == ""
    assert app.config["DEFAULT_REGION"] == "RU"
    assert app.config["SECRET_KEY"]


def test_environment_values_are_used():
    app = create_app(environ={
        "DATABASE_URL": "postgresql://db.internal/cc", "REDIS_URL": "redis://cache:6379/2",
        "DEFAULT_REGION": "US", "PUBLIC_BASE_URL": "https://cc.example.com/", "PORT": "8000",
    })
    assert app.config["DEFAULT_REGION"] == "US"
    assert app.config["PUBLIC_BASE_URL"] == "https://cc.example.com"
    assert app.config["VOICE_BASE_URL"] == "https://cc.example.com"  # Twilio reaches the webhooks there too
    assert app.config["PORT"] == 8000


@pytest.mark.parametrize("key, value", [
    ("DATABASE_URL", "mysql://x"),
    ("REDIS_URL", "http://cache"),
    ("DEFAULT_REGION", "XX"),
    ("PUBLIC_BASE_URL", "cc.example.com"),
    ("VOICE_BASE_URL", "voice.cc.example.com"),
    ("TWILIO_API_BASE_URL", "ftp://api"),
    ("TWILIO_ACCOUNT_SID", "AC123"),
    ("TWILIO_PHONE_NUMBER", "8 495 000 00 00"),
    ("PORT", "eighty"),
    ("SANDBOX_PORT", "70000"),
    ("VOICE_PORT", "0"),
    ("CALLCENTER_ENV", "staging"),
    ("CENTER_TIMEZONE", "Mars/Olympus_Mons"),
    ("TRUSTED_PROXY_COUNT", "9"),
])
def test_invalid_setting_fails_naming_it(key, value):
    with pytest.raises(ConfigError) as error:
        create_app(environ={key: value})
    assert error.value.key == key
    assert key in str(error.value)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TWILIO_AUTH_TOKEN"])
def test_production_requires_real_secrets_and_stores(missing):
    environ = {
        "CALLCENTER_ENV": "production", "SECRET_KEY": "s" * 32, "DATABASE_URL": "postgresql://db/cc",
        "REDIS_URL": "redis://cache:6379/0", "TWILIO_AUTH_TOKEN": "real-token",
    }
    del environ[missing]
    with pytest.raises(ConfigError) as error:
        create_app(environ=environ)
    assert error.value.key == missing


def test_cli_reports_a_bad_setting_by_name_without_a_traceback():
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [str(Path(sys.executable).with_name("callcenter")), "db", "upgrade"],
        env={"DEFAULT_REGION": "XX", "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "DEFAULT_REGION" in result.stderr
    assert "Traceback" not in result.stderr
