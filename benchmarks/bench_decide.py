"""Decision and week plan for one person: median time per call.

Target (issue #2): under 2 ms. Prints JSON. Run: ``.venv/bin/python benchmarks/bench_decide.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import statistics
import time

from anklet.domain.decisions import decide
from anklet.domain.exercises import load_library
from anklet.domain.planner import plan_week
from anklet.domain.protocol import load_protocol
from anklet.services.demo import people


def main(repeats: int = 300) -> None:
    protocol, library = load_protocol(), load_library()
    today = dt.date(2026, 11, 24)
    cast = people(today, protocol, library)
    results = {}
    all_times: list[float] = []
    for h in cast:
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            d = decide(h, protocol=protocol, library=library, as_of=today)
            plan_week(d, h, protocol=protocol, library=library)
            times.append((time.perf_counter() - t0) * 1000)
        all_times += times
        results[h.person.id] = {
            "weeks_of_history": (today - h.intake.date).days // 7 if h.intake else 0,
            "sessions": len(h.sessions), "measurements": len(h.measurements),
            "median_ms": round(statistics.median(times), 3),
            "p95_ms": round(sorted(times)[int(0.95 * len(times))], 3),
        }
    print(json.dumps({
        "benchmark": "decision + week plan, one person",
        "python": platform.python_version(),
        "repeats_per_person": repeats,
        "target_median_ms": 2.0,
        "median_ms_all": round(statistics.median(all_times), 3),
        "people": results,
    }, indent=2))


if __name__ == "__main__":
    main()
