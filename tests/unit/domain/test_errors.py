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
    PhotoRejectedError,
    SignInError,
    TooManyAttemptsError,
)
from anklet.domain.photo import CheckName, PhotoCheck

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
    PhotoRejectedError([
        PhotoCheck(CheckName.VISIBLE, True, "The knee, ankle, heel and toe are all clearly visible."),
        PhotoCheck(CheckName.HEEL_DOWN, False, "The heel is lifted: the foot is tilted 9.3° off the floor."),
        PhotoCheck(CheckName.FRONT_LEG, None, "We could not check that the left leg is the front one."),
    ]),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_survive_pickling_with_their_fields(error: AnkletError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert back.to_dict() == error.to_dict()
    assert back.exit_code == error.exit_code


def test_photo_rejection_survives_pickling_with_its_checks() -> None:
    error = ERRORS[-1]
    assert isinstance(error, PhotoRejectedError)
    back = pickle.loads(pickle.dumps(error))
    assert isinstance(back, PhotoRejectedError)
    assert back.checks == error.checks
    assert [c.name for c in back.problems] == [CheckName.HEEL_DOWN]
    assert (back.field, back.value) == ("photo", "heel_down")
