"""How long the ``anklet`` command takes to answer, as a whole process, against the floor.

The floor is what Python needs to import the libraries every command uses anyway:
``python -c "import sqlalchemy, pydantic, typer, rich"``. Each command below and the floor
are run N times, interleaved (floor, command 1, command 2, ..., floor, ...), so a machine
that speeds up or slows down during the run affects them alike; the median of each is
reported with its ratio to the floor's median (target: 1.5 or less for ``--help`` and
``status``).

The commands run on a fresh SQLite database holding the demo people (``anklet demo``,
made before timing), in a temporary folder (also their home, so the parsed data files are
cached there by the warm-up run, as they are after a user's first command) that is removed
afterwards.

Run: ``.venv/bin/python benchmarks/bench_cli.py [--runs N]`` (default 15).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    args = parser.parse_args()
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
        times: dict[str, list[float]] = {"floor": [], **{name: [] for name in COMMANDS}}
        for _ in range(args.runs):
            times["floor"].append(timed(FLOOR, env))
            for name, argv in COMMANDS.items():
                times[name].append(timed([*ANKLET, *argv], env))
    floor = statistics.median(times["floor"])
    print(json.dumps({
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "runs": args.runs,
        "floor": {"command": 'python -c "import sqlalchemy, pydantic, typer, rich"',
                  "median_s": round(floor, 3)},
        "commands": {name: {"median_s": round(statistics.median(times[name]), 3),
                            "ratio": round(statistics.median(times[name]) / floor, 2)}
                     for name in COMMANDS},
        "target_ratio": TARGET,
    }, indent=2))


if __name__ == "__main__":
    main()
