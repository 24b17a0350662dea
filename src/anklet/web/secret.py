"""The secret that signs the web app's session cookies: never a placeholder.

:func:`resolve_secret` gives ``ANKLET_SECRET_KEY`` when it is set (at least
:data:`MIN_LENGTH` characters). Otherwise it uses a random secret made on first start
and kept in a file only its owner can read (mode 0600), read back on later starts so
sign-ins survive a restart:

* SQLite: beside the database file, ``anklet.db`` → ``anklet.db.secret``, so each
  database has its own (a cookie made for one database never opens another);
* PostgreSQL: in the user's data folder (where the default SQLite database lives), one
  file per server and database. Listening beyond this computer needs
  ``ANKLET_SECRET_KEY`` anyway (:func:`check_listen`), so that file is only ever used by
  processes on one machine;
* SQLite in memory: a secret for this run only (the data goes when it stops, too).

Outside development (``ANKLET_ENVIRONMENT=production``) ``ANKLET_SECRET_KEY`` is required.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from anklet.domain.errors import DataFileError, InputError
from anklet.settings import Settings

__all__ = ["MIN_LENGTH", "Secret", "check_listen", "is_loopback", "resolve_secret",
           "secret_file_for"]

MIN_LENGTH = 32
"""The shortest secret accepted (characters), from the environment or a file (convention)."""

_KNOWN_PUBLIC = frozenset({"development-only-secret-change-me"})
"""Secrets published in old versions of Anklet's source: refused wherever they come from."""

_HOW_TO_MAKE = ("e.g. the output of: python -c \"import secrets; "
                "print(secrets.token_urlsafe(48))\"")

Source = Literal["environment", "file", "memory"]


@dataclass(frozen=True)
class Secret:
    """The secret in use and where it comes from; ``repr`` and :meth:`describe` never show
    its value."""

    value: str = field(repr=False)
    source: Source
    path: Path | None = None

    def describe(self) -> str:
        """Where the secret comes from, in words (never the value)."""
        if self.source == "environment":
            return "ANKLET_SECRET_KEY from the environment"
        if self.source == "file":
            return f"the secret in {self.path}"
        return ("a secret made for this run only (the database is in memory, so sign-ins "
                "end when Anklet stops)")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer only: 127.0.0.0/8, ::1 or localhost."""
    h = host.strip().strip("[]").lower()
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def check_listen(host: str, settings: Settings) -> None:
    """Refuse to listen beyond this computer unless ``ANKLET_SECRET_KEY`` is set (the file
    secret is for a set-up on one machine; a served one gets a secret its owner manages)."""
    if is_loopback(host) or settings.secret_key:
        return
    raise InputError(
        "--host", host,
        "127.0.0.1, ::1 or localhost unless ANKLET_SECRET_KEY is set; to let other computers "
        f"reach Anklet, set ANKLET_SECRET_KEY to a random value of at least {MIN_LENGTH} "
        f"characters ({_HOW_TO_MAKE}) and keep it private")


def _check_value(value: str, where: str) -> None:
    if value in _KNOWN_PUBLIC:
        raise DataFileError(where, None, "this secret was published in Anklet's source, so "
                            "anyone could sign in as anyone; accepted: a random value of at "
                            f"least {MIN_LENGTH} characters ({_HOW_TO_MAKE})")
    if len(value) < MIN_LENGTH:
        raise DataFileError(where, None, f"the secret has {len(value)} characters; accepted: a "
                            f"random value of at least {MIN_LENGTH} characters "
                            f"({_HOW_TO_MAKE})")


def _url(database_url: str) -> URL:
    try:
        return make_url(database_url)
    except ArgumentError:
        raise DataFileError("ANKLET_DATABASE_URL", None, "a database URL is needed to know "
                            "where the session secret is kept; expected sqlite:///path/to/"
                            "anklet.db or postgresql+psycopg://user:password@host/dbname"
                            ) from None


def secret_file_for(database_url: str) -> Path | None:
    """Where the generated secret for this database is kept (None: in memory only)."""
    url = _url(database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or "mode=memory" in str(url):
            return None
        if database.startswith("file:"):
            database = database[len("file:"):].split("?", 1)[0]
        path = Path(database).expanduser().resolve()
        return path.with_name(path.name + ".secret")
    where = f"{url.username or ''}@{url.host or ''}:{url.port or ''}/{url.database or ''}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:16]
    folder = Path(user_data_dir("anklet", appauthor=False))
    return folder / f"{url.get_backend_name()}-{digest}.secret"


def _read(path: Path) -> str:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DataFileError(str(path), None, "this is not a file; accepted: a file holding "
                                "the session secret, or nothing there (one is then made)")
        if os.name == "posix" and info.st_mode & 0o077:
            raise DataFileError(
                str(path), None,
                f"other users may read or change this session secret (its mode is "
                f"{stat.S_IMODE(info.st_mode):04o}); accepted: a file only its owner can "
                f"read, mode 0600 (run: chmod 600 '{path}')")
        value = path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise DataFileError(str(path), None, f"the session secret cannot be read "
                            f"({e.strerror or e}); set ANKLET_SECRET_KEY instead, or let "
                            f"Anklet read this file") from None
    except UnicodeDecodeError:
        value = ""
    if len(value) < MIN_LENGTH:
        raise DataFileError(str(path), None, f"the session secret in this file is too short "
                            f"({len(value)} characters); accepted: at least {MIN_LENGTH} "
                            f"characters. Delete the file to have a new one made (everyone "
                            f"will need to sign in again)")
    return value


def _create(path: Path) -> None:
    """Write a new random secret to ``path`` (mode 0600) unless a file is there already.

    The secret is written to a temporary file first and linked into place, so another
    process starting at the same time sees either no file or the whole secret."""
    value = secrets.token_urlsafe(48)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(value + "\n")
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                return  # another process made it first: use theirs
            except OSError:  # a file system without hard links: create it in place
                with contextlib.suppress(FileExistsError):
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "w", encoding="utf-8") as f:
                        f.write(value + "\n")
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as e:
        raise DataFileError(str(path), None, f"the session secret cannot be written there "
                            f"({e.strerror or e}); set ANKLET_SECRET_KEY instead, or let "
                            f"Anklet write in {str(path.parent)!r}") from None


def resolve_secret(settings: Settings) -> Secret:
    """The secret that signs sessions for these settings (made and kept on first use)."""
    if settings.secret_key:
        _check_value(settings.secret_key, "ANKLET_SECRET_KEY")
        return Secret(settings.secret_key, "environment")
    if settings.environment != "development":
        raise DataFileError("ANKLET_SECRET_KEY", None, "outside development the web app needs "
                            f"its own secret: set ANKLET_SECRET_KEY to a random value of at "
                            f"least {MIN_LENGTH} characters ({_HOW_TO_MAKE})")
    path = secret_file_for(settings.database_url)
    if path is None:
        return Secret(secrets.token_urlsafe(48), "memory")
    if not path.exists():
        _create(path)
    return Secret(_read(path), "file", path)
