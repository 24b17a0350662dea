"""Errors raised by the storage adapter (joins the tree in :mod:`anklet.domain.errors`).

    AnkletError
    └── StoreError      the database URL is wrong, or the database cannot be reached or used
"""

from __future__ import annotations

from anklet.domain.errors import AnkletError

__all__ = ["StoreError"]


class StoreError(AnkletError):
    """The database URL is wrong, or the database cannot be reached or used."""

    exit_code = 6
