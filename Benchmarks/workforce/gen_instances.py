#!/usr/bin/env python3
"""Write the shift-scheduling benchmark instances (pyworkforce's input shape).

    python3 gen_instances.py OUTDIR [SEED]

small  :  7 days x 24 periods (1 h)    x  4 shifts (the pyworkforce README shifts, Night wraps)
medium : 31 days x 48 periods (30 min) x 12 shifts (8 h, one every 2 h; 3 wrap past midnight)
large  : 31 days x 96 periods (15 min) x 30 shifts (24 x 8 h hourly starts, 7 wrap; 6 x 4 h part-time)

`required` follows a contact-centre intraday curve (morning and afternoon peaks, quiet night),
scaled per weekday (Mon busiest, Sun quietest) with +-8 % noise; the peak is about the size's
`seats` (20 / 60 / 120). Standard library only, deterministic for a seed.
"""
import json, math, os, random, sys


def curve(hour):
    """Relative load at a fractional hour of the day (0..24)."""
    g = lambda mu, sd, h: math.exp(-0.5 * ((hour - mu) / sd) ** 2) * h
    return 0.06 + g(10.5, 1.6, 1.0) + g(15.0, 2.0, 0.85) + g(20.5, 1.5, 0.35)


WEEKDAY = [1.0, 0.95, 0.93, 0.92, 0.9, 0.6, 0.5]


def required(rng, days, periods, seats):
    peak = max(curve(24 * p / periods) for p in range(periods))
    rows = []
    for d in range(days):
        row = []
        for p in range(periods):
            base = seats * WEEKDAY[d % 7] * curve(24 * p / periods) / peak
            row.append(max(0, round(base * rng.uniform(0.92, 1.08))))
        rows.append(row)
    return rows


def block(periods, start, length):
    """A shift of `length` periods from `start`, wrapping past midnight."""
    cov = [0] * periods
    for k in range(length):
        cov[(start + k) % periods] = 1
    return cov


def small(rng):
    shifts = {
        "Morning": block(24, 5, 8), "Afternoon": block(24, 13, 8),
        "Night": block(24, 21, 8), "Mixed": block(24, 9, 8),
    }
    return {"numDays": 7, "periods": 24, "required": required(rng, 7, 24, 20), "shifts": shifts}


def medium(rng):
    shifts = {f"S{h:02d}00_8h": block(48, 2 * h, 16) for h in range(0, 24, 2)}
    cost = {name: (12 if int(name[1:3]) >= 18 or int(name[1:3]) < 6 else 10) for name in shifts}
    return {"numDays": 31, "periods": 48, "required": required(rng, 31, 48, 60), "shifts": shifts, "cost": cost}


def large(rng):
    shifts = {f"F{h:02d}00_8h": block(96, 4 * h, 32) for h in range(24)}
    for h in (8, 9, 10, 13, 14, 15):
        shifts[f"P{h:02d}00_4h"] = block(96, 4 * h, 16)
    cost = {}
    for name in shifts:
        h = int(name[1:3])
        night = h >= 17 or h < 6
        cost[name] = (5 if name.startswith("P") else 8) + (2 if night else 0)
    return {"numDays": 31, "periods": 96, "required": required(rng, 31, 96, 120), "shifts": shifts, "cost": cost}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20240605
    os.makedirs(out, exist_ok=True)
    for name, make in (("small", small), ("medium", medium), ("large", large)):
        inst = make(random.Random(f"{seed}-{name}"))
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(inst, f)
        peak = max(max(r) for r in inst["required"])
        print(f"{name}: {inst['numDays']} days x {inst['periods']} periods x {len(inst['shifts'])} shifts, peak {peak}")


if __name__ == "__main__":
    main()
