"""One typed settings object, read from ``ANKLET_*`` environment variables.

Nothing reads the environment at import time: call :func:`get_settings` (or make a
:class:`Settings`, which reads it too).
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from platformdirs import user_data_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from anklet.domain.errors import InputError
from anklet.domain.history import problems_from


def default_database_url() -> str:
    """SQLite in the user's data directory (e.g. ~/.local/share/anklet/anklet.db)."""
    return f"sqlite:///{Path(user_data_dir('anklet', appauthor=False)) / 'anklet.db'}"


_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


@dataclass(frozen=True)
class SmtpServer:
    """An SMTP server from ``ANKLET_SMTP_URL``. ``tls``: "implicit" (smtps://, TLS from the
    first byte) or "starttls" (smtp://, upgraded before anything is sent; refused when the
    server cannot, unless the server is on this computer and no password is sent)."""

    host: str
    port: int
    tls: Literal["implicit", "starttls"]
    username: str = field(default="", repr=False)
    password: str = field(default="", repr=False)

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


SMTP_ACCEPTED = ("smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 "
                 "(TLS from the start); the user name and password are optional")


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp[s]://[user[:password]@]host[:port]``; ValueError saying what is accepted."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(SMTP_ACCEPTED)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(SMTP_ACCEPTED)
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
    except ValueError:
        raise ValueError(SMTP_ACCEPTED) from None
    return SmtpServer(host=parts.hostname, port=port,
                      tls="implicit" if parts.scheme == "smtps" else "starttls",
                      username=unquote(parts.username or ""),
                      password=unquote(parts.password or ""))


ENV_PREFIX = "ANKLET_"


class Settings(BaseModel):
    """Where the data lives and which protocol and exercise files to use.

    Each field is read from its ``ANKLET_*`` environment variable (the name in any case:
    ``ANKLET_DATABASE_URL``), under the values given (``Settings(port=9000)`` wins over
    ``ANKLET_PORT``); the text is validated as a given value is. What pydantic-settings did,
    without importing it (about 20 ms of every command's start-up)."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

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
    # email (see anklet.services.mail): smtp://user:password@host:587 (STARTTLS) or
    # smtps://user:password@host:465 (TLS from the start); empty: no email is sent, and
    # whoever would have been emailed is shown the link instead
    smtp_url: str = Field(default="", repr=False)
    mail_from: str = ""
    # the address people open Anklet at (https://anklet.example.org), for links in emails;
    # empty: the address the request came to
    public_url: str = ""

    @model_validator(mode="before")
    @classmethod
    def _environment(cls, given: Any) -> Any:
        if not isinstance(given, dict):
            return given
        prefix = ENV_PREFIX.lower()
        found = {name.lower().removeprefix(prefix): value for name, value in os.environ.items()
                 if name.lower().startswith(prefix)}
        return {**{k: v for k, v in found.items() if k in cls.model_fields}, **given}

    @field_validator("database_url")
    @classmethod
    def _default_url(cls, v: str) -> str:
        v = v.strip()
        return v or default_database_url()

    @field_validator("smtp_url")
    @classmethod
    def _smtp(cls, v: str) -> str:
        v = v.strip()
        if v:
            parse_smtp_url(v)
        return v

    @field_validator("mail_from")
    @classmethod
    def _from(cls, v: str) -> str:
        v = v.strip()
        _name, address = parseaddr(v)
        if v and (not _EMAIL.fullmatch(address) or any(c in v for c in "\r\n")):
            raise ValueError("an address such as anklet@example.org or "
                             "'Anklet <anklet@example.org>'")
        return v

    def smtp_server(self) -> SmtpServer | None:
        """Where email goes, or None when no SMTP server is set."""
        return parse_smtp_url(self.smtp_url) if self.smtp_url else None

    @field_validator("public_url")
    @classmethod
    def _public(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if v and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", v):
            raise ValueError("an address such as https://anklet.example.org (http or https, "
                             "no query)")
        return v

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
        return Settings.model_validate(clean)
    except ValidationError as e:
        field, value, accepted = problems_from(e)[0]
        if field == "secret_key":
            value = "(hidden)"
        elif field == "smtp_url":  # the password, if any, stays hidden
            value = re.sub(r"(//[^/@:]*:)[^@/]*@", r"\1(hidden)@", str(value))
        raise InputError(f"ANKLET_{field.upper()}", value, accepted) from None
