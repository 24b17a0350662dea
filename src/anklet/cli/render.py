"""Rich rendering of decisions, plans, adherence and exercises for the terminal.

Text from people is escaped (``rich.markup.escape``) or passed as :class:`~rich.text.Text`,
so a name like ``[bold red]x[/]`` prints as written; the consoles themselves (which take
control characters out) are in :mod:`anklet.cli.console`, re-exported here.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from anklet.cli.console import CONTROL, clean, console, print_json
from anklet.domain.adherence import Adherence
from anklet.domain.change import MeasureChange, line
from anklet.domain.decisions import Decision, GateResult, checklist, fmt
from anklet.domain.exercises import HEEL_WARNING, Category, Exercise, Library
from anklet.domain.planner import WeekPlan
from anklet.domain.protocol import Protocol
from anklet.domain.units import amount

STATUS_STYLE = {"refer": "bold red", "screen_needed": "yellow", "working": "cyan",
                "clear": "bold green", "maintain_check": "yellow"}
FLAG_STYLE = {"red_flag": "bold red", "pain_flare": "red", "rising_pain": "red",
              "range_loss": "red", "not_settled": "yellow", "hold": "yellow",
              "retest_due": "yellow", "missed_sessions": "yellow",
              "maintenance_slipping": "yellow", "screen_needed": "yellow",
              "ready_to_advance": "green", "clear_to_train": "bold green", "override": "cyan"}


__all__ = ["CONTROL", "clean", "console", "print_json"]  # the consoles, kept here too


def decision(console: Console, d: Decision, protocol: Protocol) -> None:
    head = Text()
    head.append(f"{d.person_id}  ", style="bold")
    head.append(d.status_text, style=STATUS_STYLE.get(d.status, ""))
    if d.stage:
        head.append(f"   Stage {d.stage} · {d.stage_name}", style="bold")
        head.append(f" since {d.stage_since} ({d.days_in_stage} days)   amounts: "
                    f"{amount(d.dose_level)}")
    head.append(f"   as of {d.as_of}", style="dim")
    console.print(head)
    for f in d.flags:
        console.print(Text(f"● {f.message}", style=FLAG_STYLE.get(f.kind, "")))
    if d.gate is not None and d.gate.from_stage < 3 and d.status not in ("refer",
                                                                         "screen_needed"):
        t = Table(title=f"What moves you to stage {d.gate.to_stage}", title_justify="left",
                  show_lines=False)
        t.add_column("", width=2)
        t.add_column("Criterion")
        t.add_column("Now", justify="right")
        t.add_column("Needs", justify="right")
        t.add_column("Source", style="dim")
        for c in d.gate.criteria:
            mark = Text("✓", style="green") if c.met else (
                Text("✗", style="red") if c.assessed else Text("?", style="yellow"))
            t.add_row(mark, c.label, c.value_text, c.threshold_text, c.source)
        console.print(t)
        for c in d.gate.criteria:
            if c.served_by:
                console.print(Text(f"  → {c.label}: {c.served_by}.", style="cyan"),
                              soft_wrap=True)
    if d.clearance is not None and d.status not in ("refer", "screen_needed"):
        clearance_checklist(console, d.clearance, protocol, person=d.person_id)
    if d.asymmetries:
        t = Table(title="Left / right (a gap past the threshold is called one; where the "
                        "test's own left-right error is larger, re-test to confirm)",
                  title_justify="left")
        for col in ("Test", "Left", "Right", "Gap", "Weaker side", "Judged by", "Error", ""):
            t.add_column(col)
        for a in d.asymmetries:
            judged = (f"> {fmt(a.threshold, a.threshold_unit)} ({a.source})"
                      if a.kind == "difference"
                      else f"< {a.threshold:g}% ({a.source})")
            error = ("—" if a.measurement_error is None
                     else f"±{fmt(a.measurement_error, a.unit)} ({a.error_source})")
            verdict = (Text("behind, re-test to confirm", style="yellow")
                       if a.meaningful and a.within_error
                       else Text("behind", style="yellow") if a.meaningful
                       else Text("ok", style="green"))
            t.add_row(a.label, fmt(a.left, a.unit), fmt(a.right, a.unit),
                      fmt(a.difference, a.unit), f"{a.lsi:.0f}% of the other", judged, error,
                      verdict)
        console.print(t)
    # escaped: reasons carry free text (a coach's override reason), never Rich markup
    console.print(Panel("\n".join(f"• {escape(r)}" for r in d.reasons), title="Why",
                        title_align="left", border_style="dim"))
    changes = [c for c in d.timeline if c.kind != "start"]
    if changes:
        t = Table(title="History of decisions", title_justify="left")
        for col in ("Date", "Change", "Reason"):
            t.add_column(col)
        for ch in changes:
            what = {"advance": f"→ stage {ch.to_stage}", "step_back": f"← stage {ch.to_stage}",
                    "reduce_dose": "dose cut",
                    "override": f"set to stage {ch.to_stage}"}.get(ch.kind, ch.kind)
            t.add_row(str(ch.date), what, escape(ch.reason))
        console.print(t)


def _change_style(c: MeasureChange) -> str:
    p = c.previous
    if p is None:
        return "dim"
    if p.verdict == "real_change":
        return {"improved": "green", "worse": "red"}.get(p.direction, "")
    return "yellow" if p.verdict == "not_comparable" else ""


def change_lines(console: Console, items: list[MeasureChange]) -> None:
    """One line per test: its change since the last test and since the first."""
    for c in items:
        console.print(Text(f"  {line(c)}", style=_change_style(c)), soft_wrap=True)


def changes(console: Console, items: list[MeasureChange]) -> None:
    """The "Changes since last test" section of ``anklet status``."""
    if not items:
        return
    console.print(Text("Changes since last test", style="bold") + Text(
        " (a change no larger than the test's measurement error may be the measuring alone)",
        style="dim"), soft_wrap=True)
    change_lines(console, items)


DOMAIN_STYLE = {"met": "green", "unmet": "red", "incomplete": "yellow",
                "not_assessed": "yellow", "not_required": "dim"}


def clearance_checklist(console: Console, gate: GateResult, protocol: Protocol, *,
                        person: str = "PERSON") -> None:
    """The clearance checklist grouped by PAASS domain, one line per criterion (the terminal
    wraps them); a domain without data says so and names the tests that would fill it."""
    head = Text("Clearance checklist (clear to train normally)", style="bold")
    head.append(f" — by PAASS domain ({protocol.clearance_domains.source}): "
                f"{gate.met_count} of {gate.required_count} met")
    console.print(head, soft_wrap=True)
    for g in checklist(gate, protocol):
        line = Text(g.label, style="bold")
        line.append(f" ({g.covers}): ", style="dim")
        line.append(g.status_text, style=DOMAIN_STYLE[g.status])
        console.print(line, soft_wrap=True)
        if not g.criteria:
            console.print(Text("  no criterion in the protocol", style="dim"), soft_wrap=True)
        for c in g.criteria:
            mark = Text("  ✓ ", style="green") if c.met else (
                Text("  ✗ ", style="red") if c.assessed else Text("  ? ", style="yellow"))
            mark.append(f"{c.label}: ")
            mark.append(c.value_text if c.assessed else
                        f"out of date ({c.where})" if c.stale else "not assessed yet",
                        style="" if c.assessed else "yellow")
            mark.append(f" — needs {c.threshold_text} ({c.source})", style="dim")
            if not c.required:
                mark.append(" — shown, not required", style="dim")
            console.print(mark, soft_wrap=True)
            if not c.assessed and c.how:
                console.print(Text(f"      {c.how_verb}: {c.how.replace('PERSON', person)}",
                                   style="dim"), soft_wrap=True)
            if c.served_by:
                console.print(Text(f"      → {c.served_by}", style="cyan"), soft_wrap=True)


def plan(console: Console, p: WeekPlan, library: Library, *, details: bool = False) -> None:
    if p.refused:
        console.print(Text(f"No plan this week: {p.refused}", style="bold red"))
        return
    console.print(Text(f"Week of {p.week_start} · stage {p.stage} ({p.stage_name}) · "
                       f"amounts: {amount(p.dose_level)}", style="bold"))
    for note in p.notes:
        console.print(Text(f"• {note}"), soft_wrap=True)
    for issue in p.issues:
        console.print(Text(f"⚠ {issue.message}", style="yellow"))
    for c in p.coach_changes:  # the coach's plan changes: applied, or paused with why
        state = "" if c.applied else f" (paused: {c.reason})"
        console.print(Text(f"✎ Coach's change: {c.words}{state}"), soft_wrap=True)
    for day in p.days:
        runs = ", ".join(f"{r.kind.value} run" + (f" {r.minutes} min" if r.minutes else "")
                         for r in day.runs)
        head = f"{day.weekday} {day.date}  ({day.minutes}/{day.available} min)"
        if runs:
            head += f"  · {runs}"
        console.print(Text(head, style="bold cyan"))
        if not day.blocks:
            console.print("   rest")
        for b in day.blocks:
            where = " — before your run" if b.before_run else ""
            short = " (short version)" if b.short else ""
            console.print(Text(f"   {b.label}{where}{short} · {b.minutes} min", style="bold"))
            if b.note:
                console.print(Text(f"     why here: {b.note}", style="dim"), soft_wrap=True)
            if any(i.exercise.category is Category.FOOT_RELEASE for i in b.items):
                console.print(Text(f"     ⚠ {HEEL_WARNING}", style="yellow"))
            for item in b.items:
                console.print(f"     - {item.exercise.name}: {item.dose}  [dim]({item.exercise.id})[/]")
                if item.coach:
                    console.print(Text(f"       {item.coach}", style="italic"), soft_wrap=True)
                if details:
                    _exercise_details(console, item.exercise, library, indent="         ")
    if p.habits:
        console.print(Text("Everyday habits:", style="dim"))
        for habit in p.habits:
            console.print(Text(f"   - {habit}", style="dim"), soft_wrap=True)


def _exercise_details(console: Console, e: Exercise, library: Library, indent: str) -> None:
    for step in e.how:
        console.print(f"{indent}how: {step}")
    for c in e.cautions:
        console.print(f"{indent}[yellow]caution:[/] {c}")
    console.print(f"{indent}[dim]why:[/] {e.why}")
    links = []
    if e.easier and e.easier in library:
        links.append(f"easier: {library.get(e.easier).name} ({e.easier})")
    if e.harder and e.harder in library:
        links.append(f"harder: {library.get(e.harder).name} ({e.harder})")
    if links:
        console.print(f"{indent}[dim]{' · '.join(links)}[/]")


def exercise(console: Console, e: Exercise, library: Library) -> None:
    console.print(Text(f"{e.name}  ({e.id})", style="bold"))
    console.print(f"stages {', '.join(map(str, e.stages))} · {e.category.value} · "
                  f"{e.region.value} · planes {', '.join(p.value for p in e.planes)} · "
                  f"{e.load.value} · equipment {', '.join(q.value for q in e.equipment)}")
    if e.motions:
        console.print("motions: " + ", ".join(m.value for m in e.motions))
    console.print(f"dose: {e.dose.describe()} · about {e.minutes} min · level {e.level}")
    _exercise_details(console, e, library, indent="  ")


def adherence(console: Console, a: Adherence) -> None:
    t = Table(title=f"Week {a.start} – {a.end}, stage {a.stage}: {a.pct:.0f}% of targets kept",
              title_justify="left")
    for col in ("Target", "Done", "Needed", ""):
        t.add_column(col)
    for x in a.targets:
        if x.required == 0 and x.done == 0:
            continue
        done = str(x.credited)
        if x.runs_needing_prep:
            done += f" (before {x.runs_kept}/{x.runs_needing_prep} key runs)"
        t.add_row(x.label, done, str(x.required),
                  Text("✓", style="green") if x.met else Text("✗", style="red"))
    console.print(t)
