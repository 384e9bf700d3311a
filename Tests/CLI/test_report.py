"""`kefu report --kind orders|calls --from … --to … --format csv|xlsx|json --out FILE` (issue 16):
the period report and the telephony report of the reports pages for scripts; bad input refused with exit 1 and
nothing written. The .xlsx is checked as a real workbook when libxlsxwriter is installed
(CI installs it), and as a clear error when it is not. Needs KEFU_BIN."""
import ctypes.util
import datetime
import json
import os
import sqlite3
import subprocess
import tempfile
import zipfile
import zoneinfo

import pytest

KEFU = os.environ.get("KEFU_BIN", ".build/debug/kefu")


def run(args, db):
    env = dict(os.environ, DATABASE_URL=db, LOG_LEVEL="error")
    return subprocess.run([KEFU, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)


@pytest.fixture(scope="module")
def db():
    d = tempfile.mkdtemp()
    url = f"sqlite://{d}/r.sqlite"
    assert run(["migrate", "--yes"], url).returncode == 0
    p = run(["bench", "insert", "--count", "30"], url)
    assert p.returncode == 0, p.stderr
    return url, d


def today():
    return datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date().isoformat()


def test_json_and_csv(db):
    url, d = db
    day = today()
    p = run(["report", "--kind", "orders", "--from", day, "--to", day, "--format", "json", "--out", "/dev/stdout"], url)
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["total"] == 30 and report["from"] == day and report["groupBy"] == "type"
    assert report["groups"][0]["key"] == "consultation" and report["groups"][0]["count"] == 30
    assert report["satisfaction"] == {"sampled": 0, "average": None}
    out = f"{d}/r.csv"
    p = run(["report", "--kind", "orders", "--from", day, "--to", day, "--format", "csv", "--out", out, "--group-by", "channel"], url)
    assert p.returncode == 0, p.stderr
    text = open(out, encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("渠道,代码,工单数") and "电话,phone,30" in text and "合计" in text


def test_xlsx(db):
    url, d = db
    day = today()
    out = f"{d}/r.xlsx"
    p = run(["report", "--kind", "orders", "--from", day, "--to", day, "--format", "xlsx", "--out", out], url)
    if ctypes.util.find_library("xlsxwriter") is None:
        assert p.returncode == 1 and "libxlsxwriter" in p.stderr and not os.path.exists(out)
        return
    assert p.returncode == 0, p.stderr
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "工单数" in strings and "咨询" in strings
    assert "<v>30</v>" in sheet   # the count written as a number


@pytest.mark.parametrize("args,message", [
    (["--format", "pdf"], "--format"),
    (["--format", "json", "--from", "2026-13-01"], "--from"),
    (["--format", "json", "--from", "2026-12-31", "--to", "2026-12-01"], "--to"),
    (["--format", "json", "--group-by", "cause"], "--group-by"),
    (["--format", "xlsx", "--out", "/dev/stdout"], "xlsx"),
    (["--kind", "tickets", "--format", "json"], "--kind"),
    (["--kind", "calls", "--format", "json", "--interval", "20"], "--interval"),
    (["--kind", "calls", "--format", "csv", "--group-by", "type"], "--group-by"),
])
def test_bad_input_is_refused_and_nothing_written(db, args, message):
    url, d = db
    out = f"{d}/bad-{abs(hash(tuple(args)))}.out"
    base = {"--from": "2026-12-01", "--to": "2026-12-31", "--out": out}
    full = ["report"]
    given = dict(zip(args[::2], args[1::2]))
    for k, v in {**base, **given}.items():
        full += [k, v]
    if "--kind" not in given:
        full += ["--kind", "orders"]
    p = run(full, url)
    assert p.returncode == 1, p.stdout + p.stderr
    assert message in p.stderr, p.stderr
    assert not os.path.exists(out)


def test_calls_from_the_switchs_events(db):
    """Three calls stored as a switch would have sent them: answered in 10 s, answered after
    40 s, abandoned after 30 s, each talk followed by 10 s of wrap-up; the report counts them
    in the interval they were decided."""
    url, d = db
    path = url[len("sqlite://"):]
    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    day = (datetime.datetime.now(zone) - datetime.timedelta(days=1)).date()
    t0 = datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=zone).timestamp()
    con = sqlite3.connect(path)
    company = con.execute("SELECT id FROM companies ORDER BY code LIMIT 1").fetchone()[0]
    rows = [("A", "enqueued", 0, "咨询", None), ("A", "answered", 10, None, "1001"), ("A", "completed", 130, None, None),
            ("B", "enqueued", 60, "咨询", None), ("B", "answered", 100, None, "1002"), ("B", "completed", 400, None, None),
            ("C", "enqueued", 200, "投诉", None), ("C", "abandoned", 230, None, None),
            (None, "ready", 140, None, "1001"), (None, "ready", 410, None, "1002")]
    con.executemany("INSERT INTO cti_events (company_id, event_id, type, at, call_id, queue, agent_work_id, source, received_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 'test', ?)",
                    [(company, f"cli-{i}", t, t0 + s, call, q, a, t0 + s) for i, (call, t, s, q, a) in enumerate(rows)])
    con.commit()
    con.close()
    p = run(["report", "--kind", "calls", "--from", day.isoformat(), "--to", day.isoformat(), "--format", "json", "--out", "/dev/stdout",
             "--interval", "30"], url)
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    total = report["total"]
    assert (total["offered"], total["answered"], total["abandoned"]) == (3, 2, 1)
    assert total["serviceLevel1"] == 0.5 and total["averageSpeedOfAnswer"] == 25 and total["averageHandlingTime"] == 220
    assert report["interval"] == 30 and report["intervals"][0]["start"] == "10:00"
    assert [q["queue"] for q in report["queues"]] == ["咨询", "投诉"]
    assert report["heatMap"][day.weekday()][10] == 3
    out = f"{d}/calls.csv"
    p = run(["report", "--kind", "calls", "--from", day.isoformat(), "--to", day.isoformat(), "--format", "csv", "--out", out], url)
    assert p.returncode == 0, p.stderr
    text = open(out, encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("分组,名称,呼入量") and "队列,咨询,2,2" in text and "坐席,1001" in text
