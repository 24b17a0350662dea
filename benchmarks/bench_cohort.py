"""A synthetic cohort walked day by day through the real engine: does it work for people
who follow it?

Targets (the cohort issue): ``stuck_rate`` 0 (exact followers whose week can hold their
stage's gate, kept more than 4 weeks in a stage by frequency criteria alone),
``infeasible_said_plainly`` 1.0 (people whose week cannot hold a gate, told so with the
fix), ``unsafe_exposures`` 0 (impact work after a recent sprain or with swelling or giving
way, level 3+ impact for walkers 60+, hard work on or before a key run). Also weeks to each
stage by profile and behaviour, and people per second. The people, the response model and
the metrics are described in ``benchmarks/cohort.py``. Prints JSON.

Run: ``.venv/bin/python benchmarks/bench_cohort.py [--people N] [--seed S] [--weeks W]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cohort import run_cohort


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200, help="how many people (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--weeks", type=int, default=16, help="weeks to walk (default 16)")
    parser.add_argument("--daily", action="store_true",
                        help="decide every day instead of only on the days that can change it")
    parser.add_argument("--screens-only", action="store_true",
                        help="every check-in is a full red-flag screen (for an engine that "
                             "reads red flags from the latest screening of any kind)")
    args = parser.parse_args()
    if args.people < 1 or args.weeks < 1:
        parser.error("--people and --weeks must be at least 1")
    _, figures = run_cohort(args.people, args.seed, weeks=args.weeks, daily=args.daily,
                            screens_only=args.screens_only)
    print(json.dumps({"python": platform.python_version(), "daily": args.daily,
                      "screens_only": args.screens_only, **figures}, indent=2))


if __name__ == "__main__":
    main()
