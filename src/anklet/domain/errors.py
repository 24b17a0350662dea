"""One error tree for the whole product.

    AnkletError                 every error the product raises on purpose
    ├── InputError              a value a person gave is not accepted (field, value, accepted)
    │   ├── ProblemsError       several problems at once, each listed
    │   │   ├── HistoryError    a history document does not validate
    │   │   └── AnswerError     questionnaire answers are not accepted (item by item)
    │   └── PhotoRejectedError  a lunge photo breaks the test's rules (heel lifted, leg not
    │                           clearly visible, camera not side-on, wrong leg forward)
    ├── DataFileError           an exercise or protocol file is wrong (file, line, problem)
    ├── FileImportError         an activity, workout or calendar file cannot be imported
    │                           (names the file and the problem in plain words)
    ├── NotFoundError           a person, exercise or record does not exist (or is not
    │                           yours to see: the two look the same from outside)
    ├── ConflictError           the thing already exists (a person id taken, say)
    ├── SignInError             wrong email or password, or a session that has ended
    └── TooManyAttemptsError    too many failed sign-ins for an account or address

Adapters (store, CLI, web) translate library errors into these with
``raise ... from e``; the CLI prints them without a traceback and exits
non-zero, the web maps them to HTTP codes in one handler.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from anklet.domain.photo import PhotoCheck


def _rebuild(cls: type[AnkletError], args: tuple[Any, ...], state: dict[str, Any]
             ) -> AnkletError:
    """An error as it was pickled, without calling its ``__init__`` again."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class AnkletError(Exception):
    """Base of every error the product raises on purpose."""

    exit_code = 1

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take their own arguments (field, value, accepted...), so the default
        # pickling (calling the class with the message alone) fails: a worker process's error
        # would arrive as a broken pool instead of itself. Rebuild from the state instead.
        return (_rebuild, (type(self), self.args, self.__dict__))

    def to_dict(self) -> dict[str, Any]:
        """A machine-readable form for ``--json`` output and the API."""
        return {"error": type(self).__name__, "message": str(self)}


class InputError(AnkletError):
    """A value given by a person is not accepted: says which field, which value, what is."""

    exit_code = 2

    def __init__(self, field: str, value: object, accepted: str, message: str | None = None):
        self.field = field
        self.value = value
        self.accepted = accepted
        text = message or f"{field}: {value!r} is not accepted; {accepted}."
        super().__init__(text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "message": str(self),
            "field": self.field,
            "value": self.value if isinstance(self.value, str | int | float | bool) else repr(self.value),
            "accepted": self.accepted,
        }


Problem = tuple[str, object, str]
"""(field, value, what is accepted); the value is None when nothing was given."""


def _jsonable(v: object) -> object:
    return v if v is None or isinstance(v, str | int | float | bool) else repr(v)


class ProblemsError(InputError):
    """Several problems found at once; the message lists each, the first is the headline."""

    def __init__(self, heading: str, problems: list[Problem], fallback: Problem):
        self.problems = problems
        lines = [heading]
        lines += [f"  - {f}: {a}." if v is None else f"  - {f}: {v!r} is not accepted; {a}."
                  for f, v, a in problems]
        first = problems[0] if problems else fallback
        super().__init__(first[0], first[1], first[2], message="\n".join(lines))

    def problem_dicts(self, key: str = "field") -> list[dict[str, object]]:
        return [{key: f, "value": _jsonable(v), "accepted": a} for f, v, a in self.problems]


class HistoryError(ProblemsError):
    """A history document failed validation; ``problems`` lists each (field, value, accepted)."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        super().__init__(f"{source}: {len(problems)} problem(s) in the history document:",
                         problems, ("document", None, "a valid history document"))

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": str(self),
                "problems": self.problem_dicts()}


class AnswerError(ProblemsError):
    """Questionnaire answers are not accepted; ``problems`` lists each (item, value, accepted).

    Unanswered items have the value ``None``; nothing is stored when this is raised."""

    def __init__(self, instrument: str, problems: list[Problem]):
        self.instrument = instrument
        super().__init__(f"{instrument}: {len(problems)} answer(s) not accepted:", problems,
                         ("answers", None, "an answer to every item"))

    def to_dict(self) -> dict[str, Any]:
        items = self.problem_dicts("item")
        for d in items:
            d["item"] = str(d["item"]).removeprefix("item ")
        return {"error": type(self).__name__, "message": str(self),
                "instrument": self.instrument, "problems": items}


class DataFileError(AnkletError):
    """An exercise library or protocol file is wrong: names the file and the line."""

    exit_code = 3

    def __init__(self, file: str, line: int | None, problem: str):
        self.file = file
        self.line = line
        self.problem = problem
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {problem}")

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": str(self), "file": self.file,
                "line": self.line, "problem": self.problem}


class FileImportError(AnkletError):
    """A watch, workout or calendar file cannot be imported: names the file and the problem.

    Importers raise it for every way a file can be broken (truncated, damaged, missing
    times, too large); nothing from such a file is stored.
    """

    exit_code = 2

    def __init__(self, file: str, problem: str):
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}")

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": str(self), "file": self.file,
                "problem": self.problem}


class NotFoundError(AnkletError):
    """A person, exercise or record does not exist (or is not yours to see)."""

    exit_code = 4

    def __init__(self, what: str, key: object):
        self.what = what
        self.key = key
        super().__init__(f"No {what} {key!r} was found.")


class ConflictError(AnkletError):
    """The thing being created already exists."""

    exit_code = 5


class SignInError(AnkletError):
    """The email and password do not match an account (never says which one was wrong)."""

    exit_code = 7


class TooManyAttemptsError(AnkletError):
    """Too many failed sign-ins (or new accounts) lately; says how long to wait."""

    exit_code = 7

    def __init__(self, retry_after_s: int, what: str = "failed sign-ins"):
        self.retry_after_s = retry_after_s
        wait = (f"{retry_after_s} second{'s' if retry_after_s != 1 else ''}"
                if retry_after_s < 90 else f"{round(retry_after_s / 60)} minutes")
        super().__init__(f"Too many {what}. Please wait about {wait} and try again.")


_PHOTO_NEEDS = {
    "visible": "the knee, ankle, heel and toe clearly visible",
    "side_on": "the camera side-on to the leg",
    "knee_forward": "the front knee pushed forward over the foot, as in a knee-to-wall lunge",
    "knee_bent": "the front knee bent",
    "heel_down": "the heel flat on the floor",
    "front_leg": "the tested leg in front",
}


class PhotoRejectedError(InputError):
    """A knee-to-wall photo breaks the test's rules, so no angle is stored.

    Built from a reading's checks (:class:`anklet.domain.photo.PhotoCheck`); ``checks``
    keeps them all, ``problems`` the failed ones, whose names are the ``value`` and whose
    messages (plain words with the numbers) make the message."""

    def __init__(self, checks: Sequence[PhotoCheck]):
        self.checks = tuple(checks)
        self.problems = tuple(c for c in self.checks if c.passed is False)
        names = [str(c.name) for c in self.problems]
        needs = [_PHOTO_NEEDS.get(n, n) for n in names] or list(_PHOTO_NEEDS.values())
        accepted = "a photo with " + (needs[0] if len(needs) == 1
                                      else ", ".join(needs[:-1]) + " and " + needs[-1])
        lines = ["The angle cannot be measured from this photo:"]
        lines += [f"  - {c.message}" for c in self.problems]
        super().__init__("photo", ", ".join(names), accepted, message="\n".join(lines))

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(),
                "checks": [{"name": str(c.name), "passed": c.passed, "message": c.message}
                           for c in self.checks]}
