"""`kefu simulate`: the shipped surge scenario climbs the emergency ladder to stage 3 and
signs out again; a bad scenario is refused with exit status 2 and the field named.
Needs KEFU_BIN (path to the built binary, default .build/debug/kefu)."""
import json
import os
import re
import sqlite3
import subprocess
import tempfile
import time

import pytest
from ports import free_port

KEFU = os.environ.get("KEFU_BIN", ".build/debug/kefu")
HERE = os.path.dirname(os.path.abspath(__file__))
SURGE = os.path.normpath(os.path.join(HERE, "..", "..", "Benchmarks", "live", "scenarios", "surge.json"))


@pytest.fixture
def db_path():
    return os.path.join(tempfile.mkdtemp(), "x.sqlite")


def env_for(db_path):
    return dict(os.environ, DATABASE_URL=f"sqlite://{db_path}", LOG_LEVEL="error")


def simulate(args, db_path, timeout=120):
    return subprocess.run([KEFU, "simulate", *args], env=env_for(db_path), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout)


def test_surge_json_climbs_to_stage_three_and_releases(db_path):
    p = simulate(["--scenario", SURGE, "--json"], db_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    timeline = out["timeline"]
    stages = [e["stage"] for e in timeline if e["kind"] == "stageChange"]
    assert stages == [1, 2, 3, 2, 1, 0]
    kinds = [e["kind"] for e in timeline if e["kind"] != "stageChange"]
    assert kinds == ["applied"] * 3 + ["released"] * 3
    first = next(e for e in timeline if e["kind"] == "applied")
    assert "流动专家组" in first["text"] and first["waiting"] > 5
    assert re.fullmatch(r"\d\d:\d\d:\d\d", first["clock"])
    assert "呼出组" in timeline[2]["text"] and "质检组" in timeline[4]["text"]
    k = out["kpis"]
    assert k["offered"] > 50
    assert k["answered"] + k["abandoned"] == k["offered"]
    assert k["unfinished"] == 0
    assert k["maxEmergencyStage"] == 3
    assert 0 < k["serviceLevel"] < 1 and 0 < k["serviceLevel2"] < 1
    assert 0 < k["occupancy"] <= 1
    assert k["averageWaitSeconds"] <= k["maxWaitSeconds"]
    assert k["stepsApplied"] == 3 and k["stepsReleased"] == 3
    assert out["events"] > 100


def test_surge_is_deterministic_and_prints_a_timeline(db_path):
    a = simulate(["--scenario", SURGE, "--json"], db_path)
    b = simulate(["--scenario", SURGE, "--json"], db_path)
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout
    text = simulate(["--scenario", SURGE], db_path)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    timeline = [line for line in lines if re.match(r"^\d\d:\d\d:\d\d  ", line)]
    assert len(timeline) == 12
    assert timeline[1].endswith("应急响应升至第 1 级（原第 0 级）")
    assert timeline[-1].endswith("应急响应解除（第 1 级 → 0 级）")
    assert "KPI" in lines
    assert any(line.strip() == "最高应急等级：3" for line in lines)


def test_bad_scenario_exits_2_with_the_field(db_path):
    bad = os.path.join(tempfile.mkdtemp(), "bad.json")
    with open(bad, "w") as f:
        json.dump({"start": "2026-03-02T09:00:00", "durationMinutes": 60, "arrivals": [-3], "ahtSeconds": 180,
                   "patienceSeconds": 60, "agents": [{"workId": "1001"}]}, f)
    p = simulate(["--scenario", bad], db_path)
    assert p.returncode == 2
    assert "字段 start" in p.stderr and "字段 arrivals[0]" in p.stderr
    assert p.stdout == ""

    with open(bad, "w") as f:
        f.write("{not json")
    p = simulate(["--scenario", bad], db_path)
    assert p.returncode == 2 and "JSON" in p.stderr

    p = simulate(["--scenario", bad + ".missing"], db_path)
    assert p.returncode == 2 and "无法读取" in p.stderr


def test_serve_stores_the_events_as_they_happen(db_path):
    port = free_port()
    proc = subprocess.Popen([KEFU, "--simulated-clock", "simulate", "--scenario", SURGE, "--serve", "--speed", "3600",
                             "--port", str(port)], env=env_for(db_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        counts = []
        deadline = time.time() + 60
        while time.time() < deadline:
            time.sleep(0.5)
            if not os.path.exists(db_path):
                continue
            try:
                with sqlite3.connect(db_path, timeout=5) as c:
                    n = c.execute("SELECT COUNT(*) FROM cti_events WHERE source = 'simulator'").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            counts.append(n)
            if len(counts) > 3 and n > 0 and counts[-1] == counts[-2] == counts[-3]:
                break
        assert counts and counts[-1] > 100
        # Arrived over time, not in one batch.
        assert any(0 < n < counts[-1] for n in counts)
        assert proc.poll() is None  # still serving
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    # With --simulated-clock the replay keeps the scenario's time of day, so it tells the same story.
    offline = simulate(["--scenario", SURGE], db_path).stdout
    timeline = lambda text: [line for line in text.splitlines() if re.match(r"^\d\d:\d\d:\d\d  ", line)]
    assert timeline(out) == timeline(offline)
    assert "应急响应升至第 3 级（原第 2 级）" in out
    assert "模拟结束" in out
