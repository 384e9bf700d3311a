"""`kefu report --kind orders --from … --to … --format csv|xlsx|json --out FILE` (issue 16):
the period report of the reports page for scripts; bad input refused with exit 1 and
nothing written. The .xlsx is checked as a real workbook when libxlsxwriter is installed
(CI installs it), and as a clear error when it is not. Needs KEFU_BIN."""
import ctypes.util
import datetime
import json
import os
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
    (["--kind", "calls", "--format", "json"], "--kind"),
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
