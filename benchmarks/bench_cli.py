"""How long the ``anklet`` command takes to answer, as a whole process, against the floor.

The floor is what Python needs to import the libraries every command uses anyway:
``python -c "import sqlalchemy, pydantic, typer, rich"``. Each command below and the floor
are run N times, interleaved (floor, command 1, command 2, ..., floor, ...), so a machine
that speeds up or slows down during the run affects them alike; the median of each is
reported with its ratio to the floor's median (target: 1.5 or less for ``--help`` and
``status``), wall-clock time (the target's measure) and CPU time (user + system: less
disturbed by other work on the machine), with the machine's load average before and after
(compare figures taken at a similar load).

The commands run on a fresh SQLite database holding the demo people (``anklet demo``,
made before timing), in a temporary folder (also their home, so the parsed data files are
cached there by the warm-up run, as they are after a user's first command) that is removed
afterwards.

A third program is timed the same way as a reference (``"least"``): nothing of Anklet's, only
what any command that reads a row of the SQLite database into a pydantic model and prints a
Rich table needs on top of the floor (the floor imports ``pydantic`` but none of its model
machinery, ``rich`` but not its console). Its ratio is the least any such command can reach
on this machine; what lies between it and a command's ratio is Anklet's own work.

Run: ``.venv/bin/python benchmarks/bench_cli.py [--runs N]`` (default 15).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ANKLET = [sys.executable, "-c", "from anklet.cli.app import main; main()"]
FLOOR = [sys.executable, "-c", "import sqlalchemy, pydantic, typer, rich"]
COMMANDS = {
    "--help": ["--help"],
    "status PERSON": ["status", "demo-runner"],
    "people": ["people"],
    "plan PERSON": ["plan", "demo-runner"],
    "exercises": ["exercises"],
}
TARGET = 1.5
LEAST = [sys.executable, "-c", """
import sqlalchemy, pydantic, typer, rich
import os
from pydantic import BaseModel, Field
from rich.console import Console
from rich.table import Table

class Row(BaseModel):
    name: str = Field(min_length=1)

engine = sqlalchemy.create_engine(os.environ["ANKLET_DATABASE_URL"])
with engine.connect() as c:
    row = Row(name=c.execute(sqlalchemy.text("SELECT name FROM people LIMIT 1")).scalar_one())
table = Table("name")
table.add_row(row.name)
Console().print(table)
"""]


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The wall-clock and CPU (user + system) seconds of one whole run of ``cmd``."""
    start, cpu = time.perf_counter(), _cpu()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ANKLET_DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.db'}",
                   HOME=tmp, COLUMNS="100")
        env.pop("ANKLET_PROTOCOL_FILE", None)
        env.pop("ANKLET_EXERCISES_FILE", None)
        # an installed anklet has its .pyc files (pip writes them); with this set (as some
        # shells and containers do) every run would compile the package from source again
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([*ANKLET, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        for argv in COMMANDS.values():  # warm the file cache (and .pyc files) once
            timed([*ANKLET, *argv], env)
        timed(LEAST, env)
        times: dict[str, list[tuple[float, float]]] = {"floor": [], "least": [],
                                                        **{name: [] for name in COMMANDS}}
        for _ in range(args.runs):
            times["floor"].append(timed(FLOOR, env))
            times["least"].append(timed(LEAST, env))
            for name, argv in COMMANDS.items():
                times[name].append(timed([*ANKLET, *argv], env))

    def median(name: str, which: int) -> float:
        return statistics.median(t[which] for t in times[name])

    floor, floor_cpu = median("floor", 0), median("floor", 1)
    print(json.dumps({
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
        "runs": args.runs,
        "floor": {"command": 'python -c "import sqlalchemy, pydantic, typer, rich"',
                  "median_s": round(floor, 3), "cpu_median_s": round(floor_cpu, 3)},
        "least": {"command": "the floor, one pydantic model, one SQLite row, one Rich table",
                  "median_s": round(median("least", 0), 3),
                  "ratio": round(median("least", 0) / floor, 2),
                  "cpu_ratio": round(median("least", 1) / floor_cpu, 2)},
        "commands": {name: {"median_s": round(median(name, 0), 3),
                            "ratio": round(median(name, 0) / floor, 2),
                            "cpu_median_s": round(median(name, 1), 3),
                            "cpu_ratio": round(median(name, 1) / floor_cpu, 2)}
                     for name in COMMANDS},
        "target_ratio": TARGET,
    }, indent=2))


if __name__ == "__main__":
    main()
