"""``anklet questionnaire …`` and ``anklet scores``: self-report answers in, scores out.

Added to the ``anklet`` command by :mod:`anklet.cli.app`.
Item texts are our own short labels unless a coach gives the official wording in a file
(``--wording FILE``); every screen says which it shows.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from anklet.cli.common import (
    DateOpt,
    JsonOpt,
    PersonArg,
    build,
    ctx,
    emit,
    out,
    parse_date,
    person_write,
)
from anklet.domain.errors import InputError
from anklet.domain.history import QuestionnaireResponse
from anklet.domain.questionnaires import (
    OWN_LABELS,
    Change,
    Instrument,
    Wording,
    check_answers,
    load_instruments,
    load_wording,
    parse_answers,
    resolve_answer,
)
from anklet.domain.units import Side

questionnaire_app = typer.Typer(
    name="questionnaire", no_args_is_help=True,
    help="Answer and score the self-report questionnaires (CAIT, FAAM, readiness check).")
commands = typer.Typer()
"""``anklet scores``; :mod:`anklet.cli.app` adds it, and ``questionnaire_app`` as
``anklet questionnaire``, to the ``anklet`` command."""

AnswerOpt = Annotated[list[str] | None, typer.Option(
    "--answer", "-a", help="ITEM=ANSWER, the option id or its score (see `anklet "
                           "questionnaire items`); repeat for each item.")]
WordingOpt = Annotated[Path | None, typer.Option(
    "--wording", help="A YAML/JSON file mapping item id → official wording to show instead of "
                      "our own labels.")]

JUDGEMENT_STYLE = {"within_error": "dim", "beyond_error": "cyan", "important": "bold",
                   "not_scorable": "yellow", "no_figure": "dim", "first": ""}


def _wording(path: Path | None, ins: Instrument) -> Wording:
    return OWN_LABELS if path is None else load_wording(path, ins)


def _ask(ins: Instrument, answers: dict[str, str], wording: Wording) -> dict[str, str]:
    """Ask each unanswered item in turn (only at a terminal); a bad answer is asked again."""
    out.print(f"[bold]{escape(ins.name)}[/] ({ins.short}) — item texts: "
              f"{escape(wording.description)}", soft_wrap=True)
    for item in ins.items:
        if item.id in answers or not item.required:
            continue
        out.print(f"[bold]{item.id}.[/] {escape(wording.text(item))}", soft_wrap=True)
        out.print(f"   [dim]{escape(item.describe_options())}[/]", soft_wrap=True)
        while True:
            typed = typer.prompt(f"   answer {item.id}")
            got = resolve_answer(item, typed)
            if isinstance(got, str):
                answers[item.id] = got
                break
            out.print(f"   [red]{escape(got[2])}[/]")
    return answers


def _collect(ins: Instrument, answer: list[str] | None, na: list[str] | None,
             wording: Path | None, as_json: bool) -> dict[str, str]:
    """The typed answers, checked; at a terminal the missing ones are asked for, otherwise
    every bad and every unanswered item is named at once."""
    interactive = sys.stdin.isatty() and not as_json
    answers = parse_answers(ins, answer or [], na or [], complete=not interactive)
    if interactive:
        answers = _ask(ins, answers, _wording(wording, ins))
    return check_answers(ins, answers)


def _record(person: str, response: QuestionnaireResponse, as_json: bool) -> None:
    from anklet.domain.views import change_dict
    from anklet.services import questionnaires

    c = ctx()
    with person_write(person) as uow:
        got = questionnaires.create(uow, key=person, response=response)
    data = {"recorded": response.date.isoformat(), "person": person,
            "instrument": response.instrument,
            "side": response.side.value if response.side else None,
            "answers": dict(response.answers),
            "scores": [change_dict(ch, c.protocol) for ch in got]}
    if emit(as_json, data):
        return
    side = f" ({response.side.value} ankle)" if response.side else ""
    out.print(f"Recorded {load_instruments().get(response.instrument).short}{side} for "
              f"{escape(person)} on {response.date}.")
    for ch in got:
        out.print(_score_line(ch, c.protocol), soft_wrap=True)


def _score_line(ch: Change, protocol: Any) -> Text:
    from anklet.domain.decisions import OP_TEXT
    from anklet.domain.views import clearance_criterion

    s = ch.score
    line = Text(f"  {s.name}: ", style="bold")
    line.append(s.value_text, style="" if s.scorable else "yellow")
    crit = clearance_criterion(protocol, s.scale)
    if crit is not None and s.value is not None:
        ok = crit.passes(s.value)
        line.append(f"  clearance needs {OP_TEXT[crit.op]} {crit.threshold:g} ({crit.source}): ",
                    style="dim")
        line.append("met" if ok else "not met", style="green" if ok else "red")
    if ch.judgement != "first" and s.scorable:
        line.append(f"\n    {ch.text}", style=JUDGEMENT_STYLE.get(ch.judgement, ""))
    elif ch.judgement == "first" and s.scorable and ch.previous is None:
        line.append("  (first score)", style="dim")
    return line


@questionnaire_app.command("cait")
def cait(
    person: PersonArg,
    side: Annotated[Side, typer.Option("--side", help="The ankle answered for.")],
    answer: AnswerOpt = None,
    wording: WordingOpt = None,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer the Cumberland Ankle Instability Tool for one ankle (9 items, 0–30)."""
    ins = load_instruments().get("cait")
    answers = _collect(ins, answer, None, wording, as_json)
    response = build(QuestionnaireResponse, date=parse_date(date), instrument="cait",
                     side=side, answers=answers)
    _record(person, response, as_json)


@questionnaire_app.command("faam")
def faam(
    person: PersonArg,
    answer: AnswerOpt = None,
    na: Annotated[list[str] | None, typer.Option(
        "--na", help="An item limited by something other than the foot or ankle (left out "
                     "of the score); repeat.")] = None,
    wording: WordingOpt = None,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer the Foot and Ankle Ability Measure: ADL (21 items) and Sports (8 items)."""
    ins = load_instruments().get("faam")
    answers = _collect(ins, answer, na, wording, as_json)
    response = build(QuestionnaireResponse, date=parse_date(date), instrument="faam",
                     answers=answers)
    _record(person, response, as_json)


@questionnaire_app.command("confidence")
def confidence(
    person: PersonArg,
    rating: Annotated[str, typer.Argument(
        help="Confidence that the ankle is ready for normal training, 0–10.")],
    pain_24h: Annotated[str | None, typer.Option(
        "--pain-24h", help="Worst ankle pain over the last 24 hours, 0–10.")] = None,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The readiness check before clearance: confidence 0–10 (and pain over the last 24 h)."""
    ins = load_instruments().get("confidence")
    specs = [f"confidence={rating}"] + ([f"pain_24h={pain_24h}"] if pain_24h is not None else [])
    answers = parse_answers(ins, specs)
    response = build(QuestionnaireResponse, date=parse_date(date), instrument="confidence",
                     answers=answers)
    _record(person, response, as_json)


@questionnaire_app.command("items")
def items(
    instrument: Annotated[str, typer.Argument(help="cait, faam or confidence.")],
    wording: WordingOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The items of a questionnaire with their answer options and scores."""
    from anklet.domain.views import instrument_dict

    instruments = load_instruments()
    if instrument not in instruments.ids:
        raise InputError("instrument", instrument, f"one of: {', '.join(instruments.ids)}")
    ins = instruments.get(instrument)
    w = _wording(wording, ins)
    if emit(as_json, instrument_dict(ins, w)):
        return
    out.print(Text(f"{ins.name} ({ins.short}, {ins.source})", style="bold"))
    out.print(escape(ins.about))
    out.print(Text(f"Item texts: {w.description}", style="yellow" if w.source else "dim"),
              soft_wrap=True)
    t = Table(show_lines=False)
    for col in ("Item", "Text", "Answers (id: score)"):
        t.add_column(col, overflow="fold")  # a narrow terminal wraps an id, never cuts it
    for item in ins.items:
        opts = (item.describe_options() if item.scale is not None else
                " · ".join(f"{o.id}: {'n/a' if o.score is None else o.score}"
                           for o in item.options or ()))
        text = wording_text = w.text(item)
        if not item.required:
            text = f"{wording_text} (optional)"
        t.add_row(item.id, escape(text), escape(opts))
    out.print(t)
    for sc in ins.scales:
        figs = ", ".join(f"{k.upper()} {f.value:g} ({f.source})"
                         for k, f in (("mdc", sc.mdc), ("mcid", sc.mcid)) if f is not None)
        out.print(Text(f"{sc.label}: {sc.method}, {sc.range[0]:g}–{sc.range[1]:g} {sc.unit}"
                       f"{'; ' + figs if figs else ''}", style="dim"))
        if sc.note:
            out.print(Text(f"  {sc.note}", style="dim"))


@commands.command("scores")
def scores(
    person: PersonArg,
    as_json: JsonOpt = False,
) -> None:
    """Each questionnaire score over time, its change and whether it beats measurement error."""
    from anklet.domain.views import change_dict
    from anklet.services import questionnaires

    c = ctx()
    with c.uow(write=False) as uow:
        got = questionnaires.get_scores(uow, key=person)
    if emit(as_json, [change_dict(ch, c.protocol) for ch in got]):
        return
    if not got:
        out.print(f"No questionnaires answered yet. Start with `anklet questionnaire cait "
                  f"{escape(person)} --side left` (and right), `anklet questionnaire faam "
                  f"{escape(person)}` and `anklet questionnaire confidence {escape(person)} N`.")
        return
    out.print(Text(f"Scores for {person}, oldest first (change since the previous score, "
                   f"judged against measurement error)", style="bold"), soft_wrap=True)
    for ch in got:
        line = Text(f"{ch.score.date}  ")
        line.append_text(_score_line(ch, c.protocol))
        out.print(line, soft_wrap=True)
