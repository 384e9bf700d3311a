#!/usr/bin/env python3
"""Solve a benchmark instance with pyworkforce (OR-Tools CP-SAT) and print one JSON line.

    python pyworkforce_solve.py FILE min-resources|min-abs-difference [MAX_SHIFT MAX_PERIOD]

pyworkforce needs both caps; without them this uses the generous ones the Kefu side gets from
run.sh (max_shift = peak required, max_period = 2 x peak). Timing covers solve() only, after
the JSON is read, like KefuWorkforceBench.
"""
import json, sys, time

from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources


def main():
    path, objective = sys.argv[1], sys.argv[2]
    with open(path) as f:
        inst = json.load(f)
    peak = max(max(row) for row in inst["required"])
    max_shift = int(sys.argv[3]) if len(sys.argv) > 3 else peak
    max_period = int(sys.argv[4]) if len(sys.argv) > 4 else 2 * peak
    common = dict(num_days=inst["numDays"], periods=inst["periods"], shifts_coverage=inst["shifts"],
                  required_resources=inst["required"], max_period_concurrency=max_period,
                  max_shift_concurrency=max_shift, max_search_time=300.0, num_search_workers=2)
    if objective == "min-resources":
        scheduler = MinRequiredResources(cost_dict=inst.get("cost"), **common)
    elif objective == "min-abs-difference":
        scheduler = MinAbsDifference(**common)
    else:
        sys.exit(f"unknown objective {objective}")
    start = time.perf_counter()
    solution = scheduler.solve()
    seconds = time.perf_counter() - start
    status = solution["status"].lower()
    print(json.dumps({"status": status,
                      "objective": solution["cost"] if status in ("optimal", "feasible") else None,
                      "seconds": round(seconds, 4)}))


if __name__ == "__main__":
    main()
