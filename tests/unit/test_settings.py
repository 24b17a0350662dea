"""Settings come from ``ANKLET_*`` environment variables, under the values given."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from anklet.domain.errors import InputError
from anklet.settings import Settings, default_database_url, get_settings


def test_each_setting_is_read_from_its_environment_variable(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANKLET_DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("ANKLET_PROTOCOL_FILE", str(tmp_path / "p.yaml"))
    monkeypatch.setenv("ANKLET_PORT", "9001")
    monkeypatch.setenv("ANKLET_SECURE_COOKIES", "true")
    monkeypatch.setenv("anklet_host", "0.0.0.0")  # the name in any case
    monkeypatch.setenv("ANKLET_NOT_A_SETTING", "ignored")
    s = get_settings()
    assert s.database_url == "sqlite:///x.db"
    assert s.protocol_file == tmp_path / "p.yaml"
    assert (s.port, s.secure_cookies, s.host) == (9001, True, "0.0.0.0")
    assert Settings().port == 9001  # making one reads them too


def test_given_values_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANKLET_PORT", "9001")
    monkeypatch.setenv("ANKLET_DATABASE_URL", "sqlite:///env.db")
    assert Settings(port=9002).port == 9002
    # None given (a CLI option left out) is no value: the environment's stands
    assert get_settings(database_url=None).database_url == "sqlite:///env.db"
    assert get_settings(database_url="sqlite:///given.db").database_url == "sqlite:///given.db"


def test_defaults_are_validated_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANKLET_DATABASE_URL", raising=False)
    assert Settings().database_url == default_database_url()
    monkeypatch.setenv("ANKLET_DATABASE_URL", "  ")
    assert Settings().database_url == default_database_url()


def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANKLET_PORT", "eighty")
    with pytest.raises(InputError) as e:
        get_settings()
    assert e.value.field == "ANKLET_PORT"
    assert e.value.value == "eighty"
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.setenv("ANKLET_PORT", "80")
    monkeypatch.setenv("ANKLET_SMTP_URL", "smtp://me:s3cret@mail.example.org:25/x")
    with pytest.raises(InputError) as e:
        get_settings()
    assert e.value.field == "ANKLET_SMTP_URL"
    assert "s3cret" not in str(e.value)
