"""Read YAML data files keeping the line of every mapping, for loud, precise errors.

Parsing is pure (text in, dicts out); the only I/O is :func:`read_text`,
which reads a file shipped in the package or given by a coach.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, ValidationError

from anklet.domain.errors import DataFileError

M = TypeVar("M", bound=BaseModel)


class DataModel(BaseModel):
    """Base of the models read from data files: frozen, and a misspelt key is an error.

    Their validators are built when first used (``defer_build``): a command that finds the
    files already checked in its cache (:mod:`anklet.services.data_files`) never needs them."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Number(DataModel):
    """A number from a data file with the source it comes from."""

    value: float
    source: str
    note: str | None = None

LINE_KEY = "__line__"
KEY_LINES = "__keylines__"


def _construct_mapping(loader: Any, node: Any) -> dict[str, Any]:
    import yaml

    keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    seen: set[str] = set()
    for (k, _), key in zip(node.value, keys, strict=False):
        if key in seen:
            raise DataFileError(loader.name, k.start_mark.line + 1, f"duplicate key {key!r}")
        seen.add(key)
    mapping = cast(dict[str, Any], loader.construct_mapping(node, deep=True))
    mapping[LINE_KEY] = node.start_mark.line + 1
    mapping[KEY_LINES] = {k.value: k.start_mark.line + 1 for k, _ in node.value
                          if isinstance(k, yaml.ScalarNode)}
    return mapping


@cache
def _line_loader() -> Any:
    """A safe loader that records the 1-based line of each mapping under ``__line__``.

    LibYAML's parser where PyYAML was built with it (ten times faster), else the pure-Python
    one; both give the same data and marks. Made (and PyYAML imported) on the first parse: a
    command whose data files come from the cache (``anklet.services.data_files``) parses none.
    """
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader: Any = type("_LineLoader", (base,), {})
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return loader


def parse_yaml(text: str, *, name: str) -> Any:
    """Parse YAML text; syntax errors become :class:`DataFileError` with the line."""
    import yaml

    loader = _line_loader()(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise DataFileError(name, line, f"not valid YAML: {e.problem}") from e
    finally:
        loader.dispose()


def strip_lines(value: Any) -> Any:
    """A copy of parsed data with the ``__line__`` markers removed."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k not in (LINE_KEY, KEY_LINES)}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def line_of(value: Any) -> int | None:
    """The line where a parsed mapping starts, if known."""
    return value.get(LINE_KEY) if isinstance(value, dict) else None


def line_at(raw: Any, loc: tuple[int | str, ...]) -> int | None:
    """The line of the deepest key or mapping along ``loc`` (a pydantic error location)."""
    line = line_of(raw)
    node = raw
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            line = node.get(KEY_LINES, {}).get(part, line)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        line = line_of(node) or line
    return line


def first_error(errors: list[Any]) -> Any:
    """The error to report first: an unknown (misspelt) key explains the rest."""
    return next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])


def read_text(path: str | Path | None, default_resource: str) -> tuple[str, str]:
    """Return (text, name) of a coach-supplied file, or of a file shipped in ``anklet.data``."""
    if path is None:
        res = resources.files("anklet.data").joinpath(default_resource)
        return res.read_text(encoding="utf-8"), f"anklet/data/{default_resource}"
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8"), str(p)
    except FileNotFoundError as e:
        raise DataFileError(str(p), None, "file not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(str(p), None, f"cannot be read ({e})") from e


def validate_file_model(model: type[M], data: Any, *, raw: Any, name: str) -> M:
    """Validate parsed file data as ``model``; the first problem (a misspelt key first)
    becomes a :class:`DataFileError` at its line."""
    from anklet.domain.history import problems_from  # history imports the data files' users

    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = first_error(e.errors())
        field, value, accepted = problems_from(
            ValidationError.from_exception_data(e.title, [err]))[0]
        raise DataFileError(name, line_at(raw, err["loc"]),
                            f"{field}: {value!r} – {accepted}") from e


Loc = tuple[int | str, ...]


def file_checks(raw: Any, name: str, sources: dict[str, str]
                ) -> tuple[Callable[[Loc, str], None], Callable[[Loc, str], None]]:
    """``fail(loc, problem)`` and ``check_source(loc, key)`` for a data file's own checks."""

    def fail(loc: Loc, problem: str) -> None:
        raise DataFileError(name, line_at(raw, loc), problem)

    def check_source(loc: Loc, key: str) -> None:
        if key not in sources:
            fail(loc, f"unknown source {key!r}; add it under 'sources' or use one of: "
                      f"{', '.join(sorted(sources))}")

    return fail, check_source
