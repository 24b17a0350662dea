"""Assertions shared by the CLI tests (imported by the test modules beside this file)."""

from __future__ import annotations

from typing import Any


def ok(result: Any) -> Any:
    """Assert a run succeeded; return it."""
    assert result.code == 0, result.text
    return result


def refused(result: Any, code: int, *words: str) -> Any:
    """Assert a run failed with ``code`` and a message holding every one of ``words``."""
    assert result.code == code, result.text
    for w in words:
        assert w in result.text, f"{w!r} not in {result.text!r}"
    return result


def json_error(result: Any, code: int, error: str) -> dict[str, Any]:
    """Assert a ``--json`` run failed with ``code`` and printed a JSON error on stdout."""
    assert result.code == code, result.text
    data: dict[str, Any] = result.json()
    assert data["error"] == error
    assert data["message"]
    return data
