"""`kefu customers values FILE.csv` and `kefu customers retier` (issue 13, R5.2): a month of
revenue per customer, bad lines and unknown numbers reported by number, the month not
doubled by a second import, and the re-tiering's moves logged with their reasons."""
import datetime
import sqlite3
import tempfile

from test_customers_import import run, write


def last_month():
    # The center's time zone (Asia/Shanghai) is ahead of UTC: use its month.
    today = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date().replace(day=1)
    return (today - datetime.timedelta(days=1)).strftime("%Y-%m")


def test_values_then_retier():
    d = tempfile.mkdtemp()
    path = f"{d}/t.sqlite"
    db = f"sqlite://{path}"
    assert run(["migrate", "--yes"], db).returncode == 0
    people = run(["customers", "import", write(d, "c.csv", "姓名,电话,客户等级\n大客户,13800000001,normal\n小客户,13800000002,vip\n")], db)
    assert people.returncode == 0, people.stderr
    month = last_month()
    sheet = write(d, "v.csv", f"电话,收入,利润\n13800000001,\"150,000.00\",1\n13800000002,10,1\n13999999999,1,1\n13800000001,x,1\n")
    p = run(["customers", "values", sheet, "--period", month], db)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "line 4:" in p.stderr and "line 5:" in p.stderr, p.stderr
    assert "stored 2 row(s), 2 line(s) refused" in p.stdout, p.stdout
    # The same month again: replaced, not doubled.
    assert run(["customers", "values", sheet, "--period", month], db).returncode == 2
    bad = run(["customers", "values", sheet, "--period", "2026-13"], db)
    assert bad.returncode == 1 and "--period" in bad.stderr
    r = run(["customers", "retier"], db)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 customer(s) with figures, 2 tier change(s)" in r.stdout, r.stdout
    again = run(["customers", "retier"], db)
    assert "0 tier change(s)" in again.stdout, again.stdout
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT COUNT(*) FROM customer_values").fetchone()[0] == 2
        tiers = dict(c.execute("SELECT phone, tier FROM customers").fetchall())
        assert tiers == {"13800000001": "vip", "13800000002": "small"}
        reasons = [r[0] for r in c.execute("SELECT reason FROM customer_tier_changes WHERE actor_work_id = 'cli'")]
        assert len(reasons) == 2 and any("¥150,000.00" in r for r in reasons), reasons
