"""Every error of the tree survives pickling (a worker process's error reaches the parent
as itself, with its fields, not as a broken pool)."""

from __future__ import annotations

import pickle

import pytest

from anklet.domain.errors import (
    AnkletError,
    AnswerError,
    ConflictError,
    DataFileError,
    FileImportError,
    HistoryError,
    InputError,
    NotFoundError,
    SignInError,
    TooManyAttemptsError,
)

ERRORS: list[AnkletError] = [
    InputError("pain", 11, "accepted: 0 to 10"),
    HistoryError("ada.json", [("sessions[0].date", "2200-01-01", "a date from 1900")]),
    AnswerError("cait", [("item 1", "x", "one of: a, b")]),
    DataFileError("protocol.yaml", 12, "unknown metric"),
    FileImportError("run.fit", "not a FIT file"),
    NotFoundError("person", "ada"),
    ConflictError("A person with the id 'ada' already exists."),
    SignInError("That email and password do not match an account."),
    TooManyAttemptsError(300),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_survive_pickling_with_their_fields(error: AnkletError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert back.to_dict() == error.to_dict()
    assert back.exit_code == error.exit_code
