"""One typed settings object, read from ``ANKLET_*`` environment variables.

Nothing reads the environment at import time: call :func:`get_settings`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from anklet.domain.errors import DataFileError

PLACEHOLDER_SECRET = "development-only-secret-change-me"
"""Signs development sessions only; the app refuses to start outside development with it."""


def default_database_url() -> str:
    """SQLite in the user's data directory (e.g. ~/.local/share/anklet/anklet.db)."""
    return f"sqlite:///{Path(user_data_dir('anklet', appauthor=False)) / 'anklet.db'}"


class Settings(BaseSettings):
    """Where the data lives and which protocol and exercise files to use."""

    model_config = SettingsConfigDict(env_prefix="ANKLET_", extra="ignore")

    database_url: str = ""
    protocol_file: Path | None = None
    exercises_file: Path | None = None
    # the web app
    environment: Literal["development", "production"] = "development"
    secret_key: str = PLACEHOLDER_SECRET
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secure_cookies: bool = False  # set true behind HTTPS so cookies are never sent in clear
    session_days: int = Field(default=14, ge=1, le=365)

    def check_for_web(self) -> None:
        """Refuse to serve outside development with the placeholder (or a short) secret."""
        if self.environment != "development" and (
                self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32):
            raise DataFileError(
                "ANKLET_SECRET_KEY", None,
                "the web app will not start outside development with the placeholder or a "
                "secret shorter than 32 characters; set ANKLET_SECRET_KEY to a long random "
                "value, e.g. the output of: python -c \"import secrets; "
                "print(secrets.token_urlsafe(48))\"")

    @field_validator("database_url")
    @classmethod
    def _default_url(cls, v: str) -> str:
        v = v.strip()
        return v or default_database_url()


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI options) on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
