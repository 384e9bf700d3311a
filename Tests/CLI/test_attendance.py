"""`kefu attendance import FILE.csv` (issue 15): a clock machine's punches, bad lines and
unknown work IDs reported by number (exit 2), the same file imported twice stored once.
Needs KEFU_BIN."""
import os
import sqlite3
import subprocess
import tempfile

KEFU = os.environ.get("KEFU_BIN", ".build/debug/kefu")


def run(args, db):
    env = dict(os.environ, DATABASE_URL=db, LOG_LEVEL="error")
    return subprocess.run([KEFU, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)


def test_clock_machine_import_reports_bad_lines_and_keeps_each_punch_once():
    d = tempfile.mkdtemp()
    path = f"{d}/k.sqlite"
    db = f"sqlite://{path}"
    assert run(["migrate", "--yes"], db).returncode == 0
    for work_id in ("1001", "1002"):
        p = run(["user", "add", "--work-id", work_id, "--name", "坐席" + work_id, "--role", "agent", "--password", "secret123"], db)
        assert p.returncode == 0, p.stderr
    csv = f"{d}/punches.csv"
    with open(csv, "w", encoding="utf-8") as f:
        f.write("\ufeff工号,时间,类型\r\n")
        f.write("1001,2026-12-01 08:55,上班\r\n")
        f.write("1001,2026-12-01 18:02,下班\r\n")
        f.write("1002,2026/12/01 09:03:20,in\r\n")
        f.write("9999,2026-12-01 09:00,in\r\n")         # line 5: nobody of the company
        f.write("1002,2026-12-01 25:00,in\r\n")         # line 6: no such time
        f.write("1002,2026-12-01 18:00,午休\r\n")        # line 7: no such kind
    p = run(["attendance", "import", csv], db)
    assert p.returncode == 2, p.stdout + p.stderr
    for line in (5, 6, 7):
        assert f"line {line}:" in p.stderr, p.stderr
    assert "imported 3 punch(es), 3 line(s) refused" in p.stdout, p.stdout
    again = run(["attendance", "import", csv], db)
    assert "imported 0 punch(es), 3 already kept" in again.stdout, again.stdout
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT COUNT(*) FROM attendance_punches").fetchone()[0] == 3
        assert c.execute("SELECT COUNT(*) FROM attendance_punches WHERE source = 'import' AND work_id = '1001'").fetchone()[0] == 2
    missing = run(["attendance", "import", f"{d}/nope.csv"], db)
    assert missing.returncode == 1 and "cannot open" in missing.stderr
