"""One typed settings object, read from ``ANKLET_*`` environment variables.

Nothing reads the environment at import time: call :func:`get_settings`.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    """SQLite in the user's data directory (e.g. ~/.local/share/anklet/anklet.db)."""
    return f"sqlite:///{Path(user_data_dir('anklet', appauthor=False)) / 'anklet.db'}"


class Settings(BaseSettings):
    """Where the data lives and which protocol and exercise files to use."""

    model_config = SettingsConfigDict(env_prefix="ANKLET_", extra="ignore")

    database_url: str = ""
    protocol_file: Path | None = None
    exercises_file: Path | None = None

    @field_validator("database_url")
    @classmethod
    def _default_url(cls, v: str) -> str:
        v = v.strip()
        return v or default_database_url()


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI options) on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
