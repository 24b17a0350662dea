"""``anklet exercises``, ``exercise``, ``schema``, ``where`` and ``demo``: the exercise library
and the odd jobs.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from anklet.cli.common import (
    JsonOpt,
    ctx,
    emit,
    files_only,
    in_range,
    out,
    settings,
    state,
)
from anklet.domain.exercises import Category, Equipment, Plane, Region

commands = typer.Typer()
"""This module's commands; :mod:`anklet.cli.app` adds them to the ``anklet`` command."""


@commands.command("exercises")
def exercises(
    stage: Annotated[int | None, typer.Option(help="1–4")] = None,
    category: Annotated[Category | None, typer.Option()] = None,
    region: Annotated[Region | None, typer.Option()] = None,
    plane: Annotated[Plane | None, typer.Option()] = None,
    equipment: Annotated[Equipment | None, typer.Option()] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the exercise library, filtered by stage, category, region, plane or equipment."""
    from anklet.domain.exercises import HEEL_WARNING, as_public_dict

    in_range("stage", stage, 1, 4)
    _, lib = files_only()
    found = lib.query(stage=stage, category=category, region=region, plane=plane,
                      equipment=equipment)
    if emit(as_json, [as_public_dict(e) for e in found]):
        return
    t = Table(title=f"{len(found)} exercises")
    for col in ("Id", "Name", "Stages", "Category", "Region", "Planes", "Equipment"):
        t.add_column(col, overflow="fold")  # a narrow terminal wraps an id, never cuts it
    for e in found:
        t.add_row(e.id, e.name, ",".join(map(str, e.stages)), e.category.value, e.region.value,
                  ",".join(p.value for p in e.planes), ",".join(q.value for q in e.equipment))
    out.print(t)
    if any(e.category is Category.FOOT_RELEASE for e in found):
        out.print(f"[yellow]Foot release: {HEEL_WARNING}[/]")
    out.print("[dim]Details, cautions and easier/harder versions: anklet exercise ID[/]")


@commands.command("exercise")
def exercise(
    exercise_id: Annotated[str, typer.Argument(help="An id from `anklet exercises`.")],
    as_json: JsonOpt = False,
) -> None:
    """How to do one exercise, its cautions, why, and easier/harder versions."""
    from anklet.cli import render
    from anklet.domain.exercises import as_public_dict

    _, lib = files_only()
    e = lib.get(exercise_id)
    if not emit(as_json, as_public_dict(e)):
        render.exercise(out, e, lib)


@commands.command("schema")
def schema(
    as_json: Annotated[bool, typer.Option("--json", help="The schema is JSON already.")] = False,
) -> None:
    """Print the JSON Schema of the history document."""
    from anklet.domain.history import history_json_schema

    sys.stdout.write(json.dumps(history_json_schema(), indent=2, ensure_ascii=False) + "\n")


@commands.command("where")
def where(as_json: JsonOpt = False) -> None:
    """Show which database is in use."""
    from anklet.store.db import describe_url, make_engine

    url = settings(database_url=state.db).database_url
    make_engine(url).dispose()  # a URL that cannot be used is an error here too
    if not emit(as_json, {"database": describe_url(url)}):
        out.print(escape(describe_url(url)), soft_wrap=True)  # a path is never cut in two


@commands.command("demo")
def demo(
    if_empty: Annotated[bool, typer.Option("--if-empty",
                                           help="Only when the database has nobody yet.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create sample people with weeks of history at different stages."""
    from anklet.services import demo as demo_service
    from anklet.services import evaluation, people

    c = ctx()
    with c.uow() as uow:
        if if_empty and people.list(uow):
            created: list[str] = []
        else:
            created = demo_service.create(uow, protocol=c.protocol, library=c.library,
                                          today=dt.date.today())
            evaluation.reevaluate_all(uow, protocol=c.protocol, library=c.library)
        uow.commit()
    if emit(as_json, {"created": created}):
        return
    if created:
        out.print(f"Created {len(created)} demo people: {', '.join(created)}.")
    else:
        out.print("The database already has people; no demo data added.")
