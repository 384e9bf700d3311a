"""`kefu search status|index|rebuild` (issue 14): rows written outside the server (an import)
are noted by the database and indexed by `index`; `rebuild` starts over from the rows and
finds the same; a second `index` has nothing to do."""
import re
import tempfile

from test_customers_import import run, write


def fields(line):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


def test_index_status_and_rebuild():
    d = tempfile.mkdtemp()
    db = f"sqlite://{d}/t.sqlite"
    assert run(["migrate", "--yes"], db).returncode == 0
    imported = run(["customers", "import", write(d, "c.csv", "姓名,电话\n李卫东,13900000001\n张秀英,13900000002\n")], db)
    assert imported.returncode == 0, imported.stderr
    status = run(["search", "status"], db)
    assert status.returncode == 0, status.stderr
    s = fields(status.stdout)
    assert s["pending"] == "2" and s["customers"] == "0", status.stdout
    built = run(["search", "index"], db)
    assert built.returncode == 0, built.stderr
    b = fields(built.stdout)
    assert b["notes"] == "2" and b["customers"] == "2" and int(b["index_bytes"]) > 0, built.stdout
    assert fields(run(["search", "index"], db).stdout)["notes"] == "0"
    again = run(["search", "rebuild"], db)
    assert again.returncode == 0, again.stderr
    r = fields(again.stdout)
    assert r["notes"] == "2" and r["customers"] == "2" and r["orders"] == "0", again.stdout
    assert fields(run(["search", "status"], db).stdout)["pending"] == "0"
