"""One typed settings object, read from ``ANKLET_*`` environment variables.

Nothing reads the environment at import time: call :func:`get_settings`.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from anklet.domain.errors import InputError
from anklet.domain.history import problems_from


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
    # empty: the web app makes a random secret on first start and keeps it beside the data
    # (see anklet.web.secret); never a placeholder
    secret_key: str = Field(default="", repr=False)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secure_cookies: bool = False  # set true behind HTTPS so cookies are never sent in clear
    session_days: int = Field(default=14, ge=1, le=365)
    # addresses of reverse proxies whose X-Forwarded-For / -Proto headers are believed
    # (comma-separated IP addresses or networks, or "*"); empty: none
    trusted_proxies: str = ""

    @field_validator("database_url")
    @classmethod
    def _default_url(cls, v: str) -> str:
        v = v.strip()
        return v or default_database_url()

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, v: str) -> str:
        items = [p.strip() for p in v.split(",") if p.strip()]
        for item in items:
            try:
                if item != "*":
                    ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"IP addresses or networks separated by commas (e.g. 127.0.0.1,10.0.0.0/8), "
                    f"or * for any ({item!r} is neither)") from None
        return ",".join(items)


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI options) on top.

    A value that does not fit is an :class:`InputError` naming the variable."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ValidationError as e:
        field, value, accepted = problems_from(e)[0]
        if field == "secret_key":
            value = "(hidden)"
        raise InputError(f"ANKLET_{field.upper()}", value, accepted) from None
