"""`kefu forecast`, `kefu erlang` and `kefu schedule`: the issue's reference figures, the
pyworkforce-shaped problem file, and every kind of bad input as a clear error (exit 2),
never a hang or a crash. Needs KEFU_BIN (default .build/debug/kefu)."""
import json
import math
import os
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone

KEFU = os.environ.get("KEFU_BIN", ".build/debug/kefu")
TZ = timezone(timedelta(hours=8))


def kefu(*args, stdin=None, timeout=120):
    db = os.path.join(tempfile.mkdtemp(), "x.sqlite")
    env = dict(os.environ, DATABASE_URL=f"sqlite://{db}", LOG_LEVEL="error")
    return subprocess.run([KEFU, *args], env=env, capture_output=True, text=True, input=stdin, timeout=timeout)


def write(name, text):
    path = os.path.join(tempfile.mkdtemp(), name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def history_csv(days=42, bad_rows=()):
    lines = ["interval_start,offered,answered,abandoned,aht_seconds"]
    start = datetime(2026, 9, 1, tzinfo=TZ)
    for d in range(days):
        day = start + timedelta(days=d)
        weekend = 0.7 if day.weekday() >= 5 else 1.0
        month_start = 1.4 if day.day <= 3 else 1.0
        for slot in range(48):
            h = slot / 2
            offered = round((3 + 40 * math.exp(-((h - 11) / 3) ** 2)) * weekend * month_start)
            answered = offered - offered // 20
            lines.append(f"{(day + timedelta(minutes=30 * slot)).isoformat()},{offered},{answered},{offered - answered},{180 if answered else 0}")
    lines[1:1] = list(bad_rows)
    return "\n".join(lines) + "\n"


def test_erlang_reference_figures():
    p = kefu("erlang", "--calls", "100", "--interval-seconds", "1800", "--aht", "180", "--target-sl", "0.8",
             "--answer-within", "20", "--shrinkage", "0.3")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["agents"] == 14 and out["scheduled"] == 20
    assert abs(out["serviceLevel"] - 0.888) < 0.001
    assert abs(out["asa"] - 7.8) < 0.05
    assert abs(out["probWait"] - 0.174) < 0.001
    assert 0 < out["occupancy"] < 1
    assert "abandonRate" not in out


def test_erlang_a_with_patience_reports_abandonment():
    p = kefu("erlang", "--calls", "100", "--interval-seconds", "1800", "--aht", "180", "--target-sl", "0.8",
             "--answer-within", "20", "--patience", "60", "--max-occupancy", "0.85")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert 0 <= out["abandonRate"] < 0.2
    assert out["occupancy"] <= 0.85 + 1e-9


def test_erlang_thousands_of_agents_is_quick_and_finite():
    p = kefu("erlang", "--calls", "60000", "--interval-seconds", "1800", "--aht", "180", "--target-sl", "0.8", "--answer-within", "20", timeout=60)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert 6000 < out["agents"] < 6300


def test_erlang_bad_input_is_a_clear_error():
    # A negative number is refused by the argument parser itself (it reads "-5" as a flag).
    p = kefu("erlang", "--calls", "-5", "--aht", "180")
    assert p.returncode != 0 and "-5" in p.stderr and "Fatal error" not in p.stderr
    for args, word in [(["--calls", "0", "--aht", "180"], "calls"),
                       (["--calls", "100", "--aht", "0"], "aht"), (["--calls", "100", "--aht", "180", "--target-sl", "1.5"], "target-sl"),
                       (["--calls", "100", "--aht", "180", "--shrinkage", "1"], "shrinkage")]:
        p = kefu("erlang", *args)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert word in p.stderr, p.stderr
        assert "Traceback" not in p.stderr and "Fatal error" not in p.stderr


def test_forecast_csv_and_backtest():
    path = write("h.csv", history_csv())
    p = kefu("forecast", "--history", path, "--interval", "30", "--horizon-days", "31")
    assert p.returncode == 0, p.stderr
    rows = p.stdout.strip().splitlines()
    assert rows[0] == "interval_start,offered,aht_seconds"
    assert len(rows) == 1 + 31 * 48
    assert rows[1].startswith("2026-10-13T00:00:00+08:00")
    assert all(float(r.split(",")[1]) >= 0 for r in rows[1:])
    assert "MAPE" in p.stderr and "WAPE" in p.stderr and "(chosen)" in p.stderr
    for method in ["holt-winters", "wacc"]:
        p = kefu("forecast", "--history", path, "--horizon-days", "7", "--method", method)
        assert p.returncode == 0, p.stderr
        assert f"backtest {method}" in p.stderr


def test_forecast_bad_rows_are_reported_by_line():
    path = write("bad.csv", history_csv(bad_rows=["2026-08-31T10:00:00+08:00,abc,0,0,0", "2026-08-31T10:30:00+08:00,-4,0,0,0"]))
    p = kefu("forecast", "--history", path)
    assert p.returncode == 2
    assert "第 2 行" in p.stderr and "第 3 行" in p.stderr
    short = write("short.csv", history_csv(days=5))
    p = kefu("forecast", "--history", short)
    assert p.returncode == 2 and "14" in p.stderr
    p = kefu("forecast", "--history", path, "--method", "magic")
    assert p.returncode == 2


PROBLEM = {
    "numDays": 2, "periods": 6,
    "required": [[2, 3, 4, 4, 3, 1], [1, 1, 2, 2, 1, 0]],
    "shifts": {"Morning": [1, 1, 1, 0, 0, 0], "Day": [0, 1, 1, 1, 1, 0], "Evening": [0, 0, 0, 1, 1, 1]},
}


def test_schedule_min_resources_and_min_abs_difference():
    path = write("p.json", json.dumps(PROBLEM))
    p = kefu("schedule", "--problem", path, "--objective", "min-resources")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["status"] == "optimal"
    a = out["assignment"]
    for d, req in enumerate(PROBLEM["required"]):
        day = a[str(d)]
        for t, need in enumerate(req):
            have = sum(day[s] * cov[t] for s, cov in PROBLEM["shifts"].items())
            assert have >= need
    assert out["objective"] == sum(sum(day.values()) for day in a.values())
    p = kefu("schedule", "--problem", path, "--objective", "min-abs-difference", "--max-per-shift", "3", "--max-per-period", "5")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["status"] == "optimal"


def test_schedule_infeasible_caps_and_bad_files():
    path = write("p.json", json.dumps(PROBLEM))
    p = kefu("schedule", "--problem", path, "--objective", "min-resources", "--max-per-period", "2", timeout=60)
    out = json.loads(p.stdout)
    assert out["status"] == "infeasible"
    assert "无可行解" in p.stderr
    for text in ["{", json.dumps({**PROBLEM, "required": [[1, 2]]}), json.dumps({**PROBLEM, "shifts": {"x": [1, 2, 0, 0, 0, 0]}})]:
        p = kefu("schedule", "--problem", write("b.json", text), "--objective", "min-resources")
        assert p.returncode == 2, p.stdout
        assert p.stderr.strip()
    p = kefu("schedule", "--problem", path, "--objective", "fastest")
    assert p.returncode == 2
    p = kefu("schedule", "--problem", path, "--objective", "min-resources", "--max-per-shift", "0")
    assert p.returncode == 2
