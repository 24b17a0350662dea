"""Scoring of self-report instruments: CAIT, FAAM and the readiness check.

The instruments are data (``anklet/data/questionnaires.yaml``): their items, the answer
options of each item with the published item scores, and how the scales add up, each
figure with its source. This module loads and validates that file, checks answers
(item id → option id), scores them and judges a change between two scores against the
scale's minimal detectable change (MDC) and minimal clinically important difference
(MCID).

Scoring methods:

* ``sum`` — the sum of the item scores (CAIT: 9 items, 0–30, higher is better).
* ``percent`` — the sum ÷ the highest possible sum of the items answered × 100; "does not
  apply" is left out (FAAM: each item 0–4, so sum ÷ (items answered × 4) × 100).
* ``value`` — the score of a single item (the 0–10 ratings of the readiness check).

A scale is *scorable* only when at least ``min_answered`` of its items have an answer
that carries a score; otherwise it is reported as not scorable with the count answered
and the count needed, never as a number.

Item labels are short labels in our own words; :func:`parse_wording` reads a coach's file
of official wording (item id → text) and names any unknown id with the file and line.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import Field

from anklet.domain.datafile import (
    KEY_LINES,
    LINE_KEY,
    DataModel,
    Number,
    file_checks,
    parse_yaml,
    read_text,
    strip_lines,
    validate_file_model,
)
from anklet.domain.errors import AnswerError, DataFileError, NotFoundError
from anklet.domain.units import Side

NA_ALIASES = frozenset({"na", "n/a"})
"""Typed answers that mean "does not apply" (where the item has such an option)."""


class Option(DataModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=40)]
    label: Annotated[str, Field(min_length=1, max_length=120)]
    score: Annotated[int, Field(ge=0, le=100)] | None = Field(
        description="the item score; null = 'does not apply' (left out of the scale)")
    note: str | None = None


class ItemScale(DataModel):
    """A numeric rating item: options low..high, each scoring its own value."""

    low: Annotated[int, Field(ge=0, le=100)]
    high: Annotated[int, Field(ge=1, le=100)]
    low_label: str
    high_label: str


class Item(DataModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=40)]
    label: Annotated[str, Field(min_length=1, max_length=120)]
    options: list[Option] | None = None
    scale: ItemScale | None = None
    required: bool = True

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options or () if o.id == option_id), None)

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options or () if o.score is not None)

    def describe_options(self) -> str:
        """The options in words: ``never (5), sport (4), …``."""
        if self.scale is not None:
            return (f"a whole number from {self.scale.low} ({self.scale.low_label}) to "
                    f"{self.scale.high} ({self.scale.high_label})")
        return ", ".join(f"{o.id} ({'left out: ' + o.label if o.score is None else o.score})"
                         for o in self.options or ())


class Scale(DataModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    label: str
    items: list[str] | None = None
    method: Literal["sum", "percent", "value"]
    min_answered: Annotated[int, Field(ge=1)]
    range: tuple[float, float]
    unit: str
    source: str
    mdc: Number | None = None
    mcid: Number | None = None
    higher_is_better: bool = True
    note: str | None = None


class Instrument(DataModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    name: str
    short: str
    about: str
    source: str
    per_side: bool = False
    options: list[Option] | None = None
    items: Annotated[list[Item], Field(min_length=1)]
    scales: Annotated[list[Scale], Field(min_length=1)]

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def scale_items(self, scale: Scale) -> list[Item]:
        if scale.items is None:
            return list(self.items)
        return [i for i in self.items if i.id in scale.items]

    def scale(self, scale_id: str) -> Scale:
        return next(s for s in self.scales if s.id == scale_id)

    @cached_property
    def score_tables(self) -> dict[str, _ScaleTable]:
        """Per scale, its items as (id, option id → score, top score, required): scoring
        looks answers up here instead of searching the models (decide() scores every time)."""
        return {sc.id: tuple((i.id, {o.id: o.score for o in i.options or ()}, i.max_score,
                              i.required) for i in self.scale_items(sc))
                for sc in self.scales}

    @cached_property
    def optional_scales(self) -> dict[str, frozenset[str] | None]:
        """Per scale, its item ids when every item is optional (a scale that may go
        unasked), else None."""
        return {sc_id: (None if any(required for *_, required in table)
                        else frozenset(item_id for item_id, *_ in table))
                for sc_id, table in self.score_tables.items()}

    @cached_property
    def answer_table(self) -> dict[str, frozenset[str]]:
        """Item id → its option ids, in item order (for checking answers quickly)."""
        return {i.id: frozenset(o.id for o in i.options or ()) for i in self.items}

    @cached_property
    def required_ids(self) -> frozenset[str]:
        return frozenset(i.id for i in self.items if i.required)


_ScaleTable = tuple[tuple[str, dict[str, int | None], int, bool], ...]


class Instruments(DataModel):
    version: Annotated[int, Field(ge=1)]
    sources: dict[str, str]
    instruments: Annotated[list[Instrument], Field(min_length=1)]

    def get(self, instrument_id: str) -> Instrument:
        """The instrument with this id; NotFoundError if there is none."""
        found = next((i for i in self.instruments if i.id == instrument_id), None)
        if found is None:
            raise NotFoundError("questionnaire", instrument_id)
        return found

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.instruments]

    def scale(self, scale_id: str) -> tuple[Instrument, Scale]:
        """The instrument and scale with this scale id (KeyError if none)."""
        return self.scale_index[scale_id]

    @cached_property
    def scale_index(self) -> dict[str, tuple[Instrument, Scale]]:
        """Scale id → its instrument and scale (decide() asks at every gate check)."""
        index: dict[str, tuple[Instrument, Scale]] = {}
        for ins in self.instruments:
            for s in ins.scales:
                index.setdefault(s.id, (ins, s))
        return index


# --- loading and validation ------------------------------------------------------------------


def _resolve(raw: dict[str, Any]) -> dict[str, Any]:
    """Give every item its options: its own, the instrument's shared list, or 0..N of a scale."""
    for ins in raw.get("instruments") or []:
        if not isinstance(ins, dict):
            continue
        shared = ins.get("options")
        for item in ins.get("items") or []:
            if not isinstance(item, dict) or "options" in item:
                continue
            sc = item.get("scale")
            if isinstance(sc, dict) and isinstance(sc.get("low"), int) and isinstance(
                    sc.get("high"), int) and sc["high"] - sc["low"] <= 100:
                item["options"] = [{"id": str(v), "label": str(v), "score": v}
                                   for v in range(sc["low"], sc["high"] + 1)]
            elif shared is not None:
                item["options"] = shared
    return raw


def parse_instruments(text: str, *, name: str) -> Instruments:
    """Parse and validate the instruments YAML text."""
    raw = parse_yaml(text, name=name)
    if not isinstance(raw, dict):
        raise DataFileError(name, None, "expected a mapping at the top of the file")
    result = validate_file_model(Instruments, _resolve(strip_lines(raw)), raw=raw, name=name)
    _check(result, raw, name)
    return result


def _check(p: Instruments, raw: dict[str, Any], name: str) -> None:
    fail, check_source = file_checks(raw, name, p.sources)

    if len(set(p.ids)) != len(p.ids):
        fail(("instruments",), "an instrument id appears twice")
    for n, ins in enumerate(p.instruments):
        at: tuple[int | str, ...] = ("instruments", n)
        check_source(at, ins.source)
        ids = [i.id for i in ins.items]
        for k, item in enumerate(ins.items):
            iat = (*at, "items", k)
            if ids.count(item.id) > 1:
                fail(iat, f"item id {item.id!r} appears twice in {ins.id}")
            if not item.options:
                fail(iat, f"item {item.id!r} has no options (give options, a scale, or "
                          f"options for the whole instrument)")
                return
            oids = [o.id for o in item.options]
            if len(set(oids)) != len(oids):
                fail(iat, f"item {item.id!r} lists an option id twice")
            if all(o.score is None for o in item.options):
                fail(iat, f"item {item.id!r} has no option that carries a score")
            if item.scale is not None and item.scale.low >= item.scale.high:
                fail(iat, "a scale's low must be below its high")
        for k, sc in enumerate(ins.scales):
            sat = (*at, "scales", k)
            check_source((*sat, "source"), sc.source)
            for key, fig in (("mdc", sc.mdc), ("mcid", sc.mcid)):
                if fig is not None:
                    check_source((*sat, key), fig.source)
                    if fig.value <= 0:
                        fail((*sat, key), f"{key} must be above 0")
            unknown = [i for i in sc.items or () if i not in ids]
            if unknown:
                fail((*sat, "items"), f"scale {sc.id!r} names unknown item(s) {unknown}; "
                                      f"items of {ins.id}: {', '.join(ids)}")
            members = ins.scale_items(sc)
            if sc.min_answered > len(members):
                fail(sat, f"min_answered {sc.min_answered} is more than the {len(members)} "
                          f"item(s) of scale {sc.id!r}")
            if sc.method == "value" and len(members) != 1:
                fail(sat, "a 'value' scale reads exactly one item")
            top = (100.0 if sc.method == "percent" else
                   float(sum(i.max_score for i in members)))
            if tuple(sc.range) != (0.0, top):
                fail((*sat, "range"), f"range {list(sc.range)} does not match the item scores: "
                          f"scale {sc.id!r} adds up to 0–{top:g}")
    scale_ids = [s.id for ins in p.instruments for s in ins.scales]
    if len(set(scale_ids)) != len(scale_ids):
        fail(("instruments",), "a scale id appears twice")


_DEFAULT: Instruments | None = None


def load_instruments(path: str | Path | None = None) -> Instruments:
    """Load the shipped instruments (cached) or a given file."""
    global _DEFAULT
    if path is None and _DEFAULT is not None:
        return _DEFAULT
    text, name = read_text(path, "questionnaires.yaml")
    result = parse_instruments(text, name=name)
    if path is None:
        _DEFAULT = result
    return result


def use_instruments(instruments: Instruments) -> None:
    """Make ``instruments`` what :func:`load_instruments` returns for the shipped file: a
    caller holding them already checked (``anklet.services.data_files`` keeps them in the
    user's cache) spares every later call the parse."""
    global _DEFAULT
    _DEFAULT = instruments


# --- answers -----------------------------------------------------------------------------------


Problem = tuple[str, object, str]
"""(item, value, what is accepted)."""


def answers_ok(ins: Instrument, answers: Mapping[str, str]) -> bool:
    """Whether every answer is a known option of a known item and every required item is
    answered (the fast check; :func:`answer_problems` says what is wrong)."""
    table = ins.answer_table
    return (ins.required_ids.issubset(answers)
            and all(v in table.get(k, ()) for k, v in answers.items()))


def answer_problems(ins: Instrument, answers: Mapping[str, str]) -> list[Problem]:
    """Every unknown item, unknown option and unanswered required item, in item order."""
    if answers_ok(ins, answers):
        return []
    problems: list[Problem] = []
    known = {i.id for i in ins.items}
    for item_id in answers:
        if item_id not in known:
            problems.append((f"item {item_id}", item_id,
                             f"an item of {ins.short}: {', '.join(i.id for i in ins.items)}"))
    for item in ins.items:
        value = answers.get(item.id)
        if value is None:
            if item.required:
                problems.append((f"item {item.id}", None,
                                 f"an answer (unanswered; options: {item.describe_options()})"))
        elif item.option(value) is None:
            problems.append((f"item {item.id}", value, f"one of: {item.describe_options()}"))
    return problems


def check_answers(ins: Instrument, answers: Mapping[str, str]) -> dict[str, str]:
    """The answers in item order, or :class:`AnswerError` naming every problem."""
    problems = answer_problems(ins, answers)
    if problems:
        raise AnswerError(ins.short, problems)
    return {i.id: answers[i.id] for i in ins.items if i.id in answers}


def resolve_answer(item: Item, typed: str) -> str | Problem:
    """The option id a typed answer means: an option id, its score, or 'na'; else a problem."""
    text = typed.strip().lower()
    if item.option(text) is not None:
        return text
    if text in NA_ALIASES:
        na = [o for o in item.options or () if o.score is None]
        if na:
            return na[0].id
        return (f"item {item.id}", typed, f"an answer; this item has no 'does not apply' "
                                          f"option ({item.describe_options()})")
    try:
        score = int(text)
    except ValueError:
        return (f"item {item.id}", typed, f"one of: {item.describe_options()}")
    matches = [o for o in item.options or () if o.score == score]
    if len(matches) == 1:
        return matches[0].id
    if matches:
        return (f"item {item.id}", typed, f"an option id: {score} is the score of "
                                          f"{' and of '.join(o.id for o in matches)}")
    return (f"item {item.id}", typed, f"one of: {item.describe_options()}")


def parse_answers(ins: Instrument, specs: Iterable[str], na: Iterable[str] = (),
                  *, complete: bool = True) -> dict[str, str]:
    """Typed ``ITEM=ANSWER`` pairs (and items marked not applicable) as item id → option id.

    An answer may be the option id or its score (when only one option has that score).
    Every problem is named at once in an :class:`AnswerError`; with ``complete`` false,
    unanswered items are not a problem (the caller asks for them)."""
    answers: dict[str, str] = {}
    problems: list[Problem] = []

    def put(item_id: str, option_id: str, typed: str) -> None:
        if item_id in answers and answers[item_id] != option_id:
            problems.append((f"item {item_id}", typed, "one answer per item (it was given twice)"))
        answers[item_id] = option_id

    for spec in specs:
        key, sep, value = spec.partition("=")
        key = key.strip().lower()
        item = ins.item(key)
        if not sep or not value.strip():
            problems.append(("answer", spec, f"ITEM=ANSWER, e.g. {ins.items[0].id}="
                                             f"{(ins.items[0].options or [])[0].id}"))
            continue
        if item is None:
            problems.append((f"item {key}", spec,
                             f"an item of {ins.short}: {', '.join(i.id for i in ins.items)}"))
            continue
        got = resolve_answer(item, value)
        if isinstance(got, tuple):
            problems.append(got)
        else:
            put(item.id, got, value)
    for item_id in na:
        item = ins.item(item_id.strip().lower())
        if item is None:
            problems.append((f"item {item_id}", item_id,
                             f"an item of {ins.short}: {', '.join(i.id for i in ins.items)}"))
            continue
        got = resolve_answer(item, "na")
        if isinstance(got, tuple):
            problems.append(got)
        else:
            put(item.id, got, "na")
    if complete:  # name the unanswered items too, with the bad answers, in item order
        named = {p[0] for p in problems}
        problems += [p for p in answer_problems(ins, answers) if p[0] not in named]
        order = {f"item {i.id}": n for n, i in enumerate(ins.items)}
        problems.sort(key=lambda p: order.get(p[0], len(order)))  # unknown items last
    if problems:
        raise AnswerError(ins.short, problems)
    return {i.id: answers[i.id] for i in ins.items if i.id in answers}


# --- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """One scale of one response: its value, or why it is not scorable."""

    instrument: str
    scale: str
    label: str
    date: dt.date
    side: Side | None
    value: float | None
    answered: int
    needed: int
    items: int
    unit: str

    @property
    def scorable(self) -> bool:
        return self.value is not None

    @property
    def name(self) -> str:
        return f"{self.label} ({self.side.value})" if self.side else self.label

    @property
    def value_text(self) -> str:
        if self.value is None:
            return (f"not scorable ({self.answered} of {self.items} items answered; "
                    f"{self.needed} needed)")
        return fmt_score(self.value, self.unit)


def fmt_score(value: float, unit: str) -> str:
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    if unit in ("%", "/10"):
        return text + unit
    return f"{text} {unit}"


def score_scale(ins: Instrument, scale: Scale, answers: Mapping[str, str]) -> tuple[
        float | None, int]:
    """(value or None when not scorable, number of items answered with a score)."""
    total = 0
    top = 0
    answered = 0
    for item_id, option_scores, max_score, _ in ins.score_tables[scale.id]:
        score = option_scores.get(answers.get(item_id, ""))
        if score is None:  # unanswered, or 'does not apply'
            continue
        answered += 1
        total += score
        top += max_score
    if answered < scale.min_answered:
        return None, answered
    if scale.method == "percent":
        return 100.0 * total / top, answered
    return float(total), answered


def score_response(ins: Instrument, answers: Mapping[str, str], *, date: dt.date,
                   side: Side | None = None) -> list[Score]:
    """Every scale of one response. A scale whose items are all optional and unanswered is
    left out (the question was not asked); any other scale is scored or not scorable."""
    out = []
    tables, optional = ins.score_tables, ins.optional_scales
    for sc in ins.scales:
        items = optional[sc.id]
        if items is not None and items.isdisjoint(answers):  # not asked
            continue
        value, answered = score_scale(ins, sc, answers)
        out.append(Score(ins.id, sc.id, sc.label, date, side, value, answered,
                         sc.min_answered, len(tables[sc.id]), sc.unit))
    return out


class Response(Protocol):
    """What scoring needs from a stored response (``history.QuestionnaireResponse``)."""

    @property
    def date(self) -> dt.date: ...
    @property
    def instrument(self) -> str: ...
    @property
    def side(self) -> Side | None: ...
    @property
    def answers(self) -> Mapping[str, str]: ...


def scores(responses: Iterable[Response], instruments: Instruments | None = None) -> list[Score]:
    """Every score of every response, in date order (responses are date-sorted already)."""
    instruments = instruments or load_instruments()
    out: list[Score] = []
    for r in responses:
        out += score_response(instruments.get(r.instrument), r.answers, date=r.date, side=r.side)
    return out


# --- change over time --------------------------------------------------------------------------

Judgement = Literal["first", "within_error", "beyond_error", "important", "no_figure",
                    "not_scorable"]


@dataclass(frozen=True, slots=True)
class Change:
    """A score with its change since the previous scorable score of the same scale and side."""

    score: Score
    previous: Score | None
    change: float | None
    judgement: Judgement
    direction: Literal["better", "worse", "same"] | None
    text: str


def judge(scale: Scale, change: float) -> tuple[Judgement, Literal["better", "worse", "same"],
                                                str]:
    """How a change compares with the scale's MDC and MCID, in words.

    A change no larger than the MDC is within measurement error (said as such, neither
    celebrated nor alarming). Without an MDC, a change smaller than the MCID is read the
    same way. A change beyond the MDC and at least the MCID is important; beyond the MDC
    but under the MCID it is real but small."""
    size = round(abs(change), 6)
    if size == 0:
        direction: Literal["better", "worse", "same"] = "same"
    else:
        direction = "better" if (change > 0) == scale.higher_is_better else "worse"
    unit = scale.unit
    mdc, mcid = scale.mdc, scale.mcid
    if mdc is None and mcid is None:
        return ("no_figure", direction, "no measurement-error figure is known for this scale; "
                "read small changes with care")
    if mdc is not None and size <= mdc.value:
        return ("within_error", direction,
                f"within measurement error (MDC {fmt_score(mdc.value, unit)}, {mdc.source})")
    if mdc is None and mcid is not None and size < mcid.value:
        return ("within_error", direction,
                f"within measurement error (smaller than the {fmt_score(mcid.value, unit)} "
                f"MCID, {mcid.source}; no MDC is known)")
    if mcid is not None and size >= mcid.value:
        beyond = f"beyond the MDC ({fmt_score(mdc.value, unit)}) and " if mdc else ""
        return ("important", direction,
                f"an important change for the {direction}: {beyond}at least the MCID "
                f"({fmt_score(mcid.value, unit)}, {mcid.source})")
    assert mdc is not None
    tail = (f", but smaller than the MCID ({fmt_score(mcid.value, unit)})" if mcid else "")
    return ("beyond_error", direction,
            f"a real change for the {direction} (beyond the MDC of {fmt_score(mdc.value, unit)})"
            + tail)


def changes(score_list: Sequence[Score], instruments: Instruments | None = None) -> list[Change]:
    """Each score with its change since the previous scorable one (same scale and side)."""
    instruments = instruments or load_instruments()
    last: dict[tuple[str, Side | None], Score] = {}
    out: list[Change] = []
    for s in score_list:
        key = (s.scale, s.side)
        prev = last.get(key)
        if s.value is None:
            out.append(Change(s, prev, None, "not_scorable", None,
                              "not scorable: " + s.value_text.removeprefix("not scorable ")))
            continue
        if prev is None or prev.value is None:
            out.append(Change(s, None, None, "first", None, "first score"))
        else:
            delta = s.value - prev.value
            kind, direction, text = judge(instruments.scale(s.scale)[1], delta)
            sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
            shown = f"{sign}{fmt_score(abs(delta), s.unit)} since {prev.date.isoformat()}"
            out.append(Change(s, prev, delta, kind, direction, f"{shown}: {text}"))
        last[key] = s
    return out


# --- wording ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Wording:
    """Item texts to show: official wording from a coach's file where given, else our labels."""

    texts: Mapping[str, str]
    source: str | None = None

    def text(self, item: Item) -> str:
        return self.texts.get(item.id, item.label)

    def origin(self, item: Item) -> str:
        return f"wording from {self.source}" if item.id in self.texts else "own labels"

    @property
    def description(self) -> str:
        return f"wording from {self.source}" if self.source else "own labels"


OWN_LABELS = Wording({})


def parse_wording(text: str, *, name: str, instrument: Instrument) -> Wording:
    """A coach's mapping of item id → official wording (YAML, or JSON for ``*.json``), checked:
    every id must be an item of ``instrument`` (an unknown id is named with the file and its
    line or key), every text a non-empty string."""
    known = {i.id for i in instrument.items}
    lines: dict[str, int] = {}
    if name.lower().endswith(".json"):
        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            keys = [k for k, _ in items]
            dup = next((k for k in keys if keys.count(k) > 1), None)
            if dup is not None:
                raise DataFileError(name, None, f"key {dup!r}: appears twice")
            return dict(items)
        try:
            raw: Any = json.loads(text, object_pairs_hook=pairs)
        except json.JSONDecodeError as e:
            raise DataFileError(name, e.lineno, f"not valid JSON ({e.msg})") from e
    else:
        raw = parse_yaml(text, name=name)
        if isinstance(raw, dict):
            lines = {str(k): v for k, v in raw.get(KEY_LINES, {}).items()}
            raw = {k: v for k, v in raw.items() if k not in (LINE_KEY, KEY_LINES)}
    if not isinstance(raw, dict):
        raise DataFileError(name, None, "expected a mapping of item id → text "
                                        f"(items of {instrument.short}: "
                                        f"{', '.join(i.id for i in instrument.items)})")
    texts: dict[str, str] = {}
    for key, value in raw.items():
        item_id = str(key)
        where = lines.get(item_id)
        label = "" if where else f"key {item_id!r}: "
        if item_id not in known:
            raise DataFileError(name, where, f"{label}unknown item id {item_id!r} for "
                                             f"{instrument.short}; known: "
                                             f"{', '.join(i.id for i in instrument.items)}")
        if not isinstance(value, str) or not value.strip():
            raise DataFileError(name, where, f"{label}the text of item {item_id!r} must be "
                                             "a non-empty string")
        texts[item_id] = value.strip()
    return Wording(texts, name)


def load_wording(path: str | Path, instrument: Instrument) -> Wording:
    """Read and check a coach's wording file for ``instrument``."""
    text, name = read_text(path, "")
    return parse_wording(text, name=name, instrument=instrument)


# --- simulated answers (demo, scenarios, benchmarks) ------------------------------------------


def answers_scoring(ins: Instrument, scale_id: str, total: int,
                    base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Answers (every item answered, none 'does not apply') whose ``scale_id`` adds up to
    ``total`` points: the top answer everywhere, then points taken off item by item."""
    scale = ins.scale(scale_id)
    answers = dict(base or {})
    members = ins.scale_items(scale)
    top = sum(i.max_score for i in members)
    if not 0 <= total <= top:
        raise ValueError(f"{scale_id} adds up to 0–{top}, not {total}")
    short = top - total
    for item in members:
        scored = sorted((o for o in item.options or () if o.score is not None),
                        key=lambda o: -(o.score or 0))
        take = min(short, item.max_score)
        want = item.max_score - take
        answers[item.id] = next(o.id for o in scored if o.score == want) if any(
            o.score == want for o in scored) else scored[-1].id
        short -= take
    for item in ins.items:
        if item.id not in answers and item.required:
            answers[item.id] = next(o.id for o in item.options or () if o.score is not None)
    got, _ = score_scale(ins, scale, answers)
    if scale.method == "sum" and got != total:  # only possible with gaps in an item's scores
        raise ValueError(f"cannot make {scale_id} add up to exactly {total}")
    return {i.id: answers[i.id] for i in ins.items if i.id in answers}
