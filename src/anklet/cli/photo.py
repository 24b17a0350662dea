"""``anklet measure-photo``: the knee-to-wall angle from one side photo (or a short video).

Added to the ``anklet`` command by :mod:`anklet.cli.app`; the vision stack is imported only
when a photo is measured.
The pose model finds the front leg's knee, ankle, heel and toe (the ``[vision]`` extra), or
``--points`` gives them by hand; the test's rules are checked, the angle is stored only when
every one passed (and the decision is made again), and the photo with the points and the
angle drawn is written next to it. The photo itself is never stored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from anklet.cli.common import DateOpt, JsonOpt, PersonArg, ctx, emit, err, in_range, out, parse_date
from anklet.domain.errors import InputError, PhotoRejectedError
from anklet.domain.units import Side

if TYPE_CHECKING:
    from anklet.domain.decisions import Decision
    from anklet.domain.photo import PhotoReading

commands = typer.Typer()
"""This module's commands; :mod:`anklet.cli.app` adds them to the ``anklet`` command."""

MARKS = {True: "[green]✓[/]", False: "[red]✗[/]", None: "[yellow]?[/]"}
_POINT = re.compile(r"^\s*([a-z_-]+)\s*=\s*(-?[0-9.]+)\s*,\s*(-?[0-9.]+)\s*$")
POINTS_HELP = ("Place the points by hand instead of the model, in the photo's pixels (x from "
               "the left, y down from the top): 'knee=X,Y ankle=X,Y heel=X,Y toe=X,Y', and "
               "optionally back-toe=X,Y (the back foot's toe, so the heel can be checked). "
               "Works without the vision extra.")


PICK = "run again with --person N (1 is the largest, nearest the camera)"
HEEL_HOW = ("If you watched the test and the heel stayed flat on the floor, run again with "
            "--heel-checked; or give the back foot's toe with --points (back-toe=X,Y) so the "
            "photo can show it.")


def parse_points(specs: list[str]) -> dict[str, tuple[float, float]]:
    """``knee=512,300 ankle=500,620 ...`` (spaces or semicolons between, repeatable)."""
    points: dict[str, tuple[float, float]] = {}
    for spec in specs:
        for part in re.split(r"[;\s]+", spec.strip()):
            if not part:
                continue
            m = _POINT.match(part)
            if m is None:
                raise InputError("points", part, "NAME=X,Y with NAME one of knee, ankle, heel, "
                                 "toe, back-toe and X, Y in pixels (e.g. knee=512,300)")
            name = m.group(1).replace("-", "_")
            if name in points:
                raise InputError("points", part, f"each point once ({m.group(1)} is given twice)")
            try:
                points[name] = (float(m.group(2)), float(m.group(3)))
            except ValueError:
                raise InputError("points", part, "X and Y as numbers of pixels") from None
    return points


def _read_photo(path: Path) -> bytes:
    from anklet.services import photo as photos

    try:
        photos.check_size(path.stat().st_size, name=path.name)  # before reading it all
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("PHOTO", str(path), "an existing photo (JPEG, PNG or WebP) or short "
                         "video file") from None
    except IsADirectoryError:
        raise InputError("PHOTO", str(path), "a photo file, not a folder") from None
    except OSError as e:
        raise InputError("PHOTO", str(path), f"a file that can be read ({e.strerror or e})") from None


def _point_dict(reading: PhotoReading, scale: float,
                back_toe: tuple[float, float] | None = None) -> dict[str, list[float]]:
    """The points in the original photo's pixels (what --points takes), with visibility."""
    found = {name: [round(p.x / scale, 1), round(p.y / scale, 1), round(p.visibility, 3)]
             for name, p in reading.leg.points().items()}
    if back_toe is not None:
        found["back_toe"] = [round(back_toe[0], 1), round(back_toe[1], 1), 1.0]
    return found


def reading_dict(reading: PhotoReading, scale: float,
                 back_toe: tuple[float, float] | None = None) -> dict[str, Any]:
    return {"side": reading.side.value, "angle": round(reading.angle, 1),
            "cm": round(reading.cm, 1), "roll": round(reading.roll, 1), "ok": reading.ok,
            "checks": [{"name": c.name.value, "passed": c.passed, "message": c.message}
                       for c in reading.checks],
            "points": _point_dict(reading, scale, back_toe)}


def _write(path: Path, data: bytes, field: str) -> None:
    try:
        path.write_bytes(data)
    except OSError as e:
        raise InputError(field, str(path), f"a file that can be written ({e.strerror or e}); "
                         "choose another with --out") from None


def _show(reading: PhotoReading, scale: float, back_toe: tuple[float, float] | None) -> None:
    side = reading.side.value.capitalize()
    if reading.ok:
        out.print(f"{side} lunge angle: [bold]{reading.angle:.1f}°[/] (about {reading.cm:.1f} cm "
                  f"knee-to-wall; a camera tilt of {reading.roll:+.1f}° corrected).",
                  highlight=False, soft_wrap=True)
    else:
        out.print(f"{side} lunge angle: [bold red]not measured[/] (these points would give "
                  f"{reading.angle:.1f}°, but the photo breaks the test's rules).",
                  highlight=False, soft_wrap=True)
    for c in reading.checks:
        out.print(f"  {MARKS[c.passed]} {escape(c.message)}", highlight=False, soft_wrap=True)
    pts = " ".join(f"{n.replace('_', '-')}={x:g},{y:g}"
                   for n, (x, y, _) in _point_dict(reading, scale, back_toe).items())
    out.print(f"[dim]Points (photo pixels): {pts}. To correct one, run again with "
              f"--points '...' (the same form).[/]", highlight=False, soft_wrap=True)


@commands.command("measure-photo")
def measure_photo(
    person: PersonArg,
    photo: Annotated[Path, typer.Argument(
        help="A side-on photo of the knee-to-wall lunge (JPEG, PNG or WebP), or a short video "
             "of it (the deepest lunge is found).", show_default=False)],
    side: Annotated[Side, typer.Option("--side", help="The leg tested: the front one.")],
    date: DateOpt = None,
    output: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Where to write the photo with the points and angle drawn "
                            "(default: NAME-measured.jpg next to the photo).")] = None,
    points: Annotated[list[str] | None, typer.Option("--points", help=POINTS_HELP)] = None,
    pain: Annotated[int | None, typer.Option(help="Pain during the test, 0–10.")] = None,
    rater: Annotated[str | None, typer.Option(help="Who took the photo or placed the points.")
                     ] = None,
    person_number: Annotated[int | None, typer.Option(
        "--person", min=1, help="With several people in the picture, which one to measure: "
                                "1 is the largest (nearest the camera), 2 the next, and so on. "
                                "Run without it to see who was found.")] = None,
    heel_checked: Annotated[bool, typer.Option(
        "--heel-checked", help="You watched the test and the heel stayed flat on the floor. "
                               "Needed when the picture cannot show it (the back foot's toe "
                               "not seen); without it such a reading is not stored.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Measure the knee-to-wall lunge angle from a side photo, check the test's rules, and
    store it when they all pass."""
    from anklet.domain.views import decision_dict
    from anklet.services import evaluation, people
    from anklet.services import photo as photos

    day = parse_date(date)
    in_range("pain", pain)
    if points is not None and person_number is not None:
        raise InputError("person", person_number, "no --person with --points (the points you "
                         "place already say whose leg it is)")
    placed = parse_points(points or [])
    if points is not None and not placed:
        raise InputError("points", "", "at least knee=X,Y ankle=X,Y heel=X,Y toe=X,Y")
    data = _read_photo(photo)
    name = photo.name
    if placed and photos.is_video(data):
        raise InputError("points", name, "a photo (points cannot be placed on a video; take "
                         "the frame as a photo)")
    if not placed and not photos.available():
        raise photos.VisionUnavailableError()
    c = ctx()
    with c.uow(write=False) as uow:
        people.get(uow, key=person)  # an unknown person is refused before the model runs
    if placed:
        image = photos.load(data=data, filename=name)
        size = photos.original_size(image)
        reading: PhotoReading | None = photos.read_points(side=side, points=placed, size=size,
                                                          scale=photos.scale_of(image))
    else:
        try:
            image, reading = photos.measure(data=data, side=side, filename=name,
                                            person=person_number)
        except photos.ManyPeopleError as e:
            raise e.told(PICK) from None
    scale = photos.scale_of(image)
    if reading is None:
        raise InputError(name, "no person found", "a side-on photo with the whole lower leg "
                         "and foot in view", message=f"{name}: no person was found in this "
                         "picture, so nothing was measured or stored. Take the photo from the "
                         "side with the whole lower leg and both feet in view, or place the "
                         "points by hand with --points.")
    target = output or photo.with_name(f"{photo.stem}-measured.jpg")
    _write(target, photos.to_jpeg(photos.annotated(image, reading)), "out")

    decision: Decision | None = None
    stored = None
    rejected: InputError | None = None
    if reading.ok:
        try:
            with c.uow() as uow:
                stored = photos.create(uow, key=person, side=side, day=day, reading=reading,
                                       pain=pain, rater=rater, heel_checked=heel_checked,
                                       heel_how=HEEL_HOW)
                decision = evaluation.get(uow, key=person, protocol=c.protocol,
                                          library=c.library, save=True).decision
                uow.commit()
        except photos.HeelUncheckedError as e:
            rejected = e  # nothing stored: the unit of work was never committed
    else:
        rejected = PhotoRejectedError(reading.checks)

    data_out: dict[str, Any] = {
        "person": person, "date": day.isoformat(), "photo": str(photo),
        "reading": reading_dict(reading, scale, placed.get("back_toe")), "annotated": str(target),
        "stored": None if stored is None else stored.model_dump(mode="json", exclude_none=True),
        "decision": None if decision is None else decision_dict(decision, c.protocol),
    }
    if as_json:
        if rejected is not None:
            emit(True, {**rejected.to_dict(), **data_out})
            raise SystemExit(rejected.exit_code)
        emit(True, data_out)
        return
    _show(reading, scale, placed.get("back_toe"))
    out.print(f"Wrote the photo with the points drawn: {escape(str(target))}", highlight=False,
              soft_wrap=True)
    if isinstance(rejected, photos.HeelUncheckedError):
        err.print(f"[bold red]Not stored:[/] {escape(str(rejected))}", highlight=False,
                  soft_wrap=True)
        raise SystemExit(rejected.exit_code)
    if rejected is not None:
        err.print("[bold red]Not stored:[/] the photo breaks the test's rules (✗ above). Take "
                  "it again, or correct the points with --points.", highlight=False,
                  soft_wrap=True)
        raise SystemExit(rejected.exit_code)
    assert stored is not None
    assert decision is not None
    now = f"stage {decision.stage} ({decision.stage_name}) · " if decision.stage is not None else ""
    out.print(f"Stored for {person} on {day}: {side.value} lunge angle {stored.value:g}° "
              f"(method: photo). {person} now: {now}{decision.status_text}.", highlight=False,
              soft_wrap=True)
