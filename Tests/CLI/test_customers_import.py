"""`kefu customers import FILE.csv` (issue 13): 100,000 customers from a spreadsheet's CSV,
bad lines reported by number, none of the good ones lost, a number on file never a second
customer. Needs KEFU_BIN."""
import os
import sqlite3
import subprocess
import tempfile

KEFU = os.environ.get("KEFU_BIN", ".build/debug/kefu")


def run(args, db, env=None):
    env = dict(env if env is not None else os.environ, DATABASE_URL=db, LOG_LEVEL="error")
    return subprocess.run([KEFU, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)


def write(d, name, text):
    path = f"{d}/{name}"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def phone(i):
    return f"13{i:09d}"


def test_hundred_thousand_customers_with_bad_lines_and_numbers_on_file():
    d = tempfile.mkdtemp()
    path = f"{d}/k.sqlite"
    db = f"sqlite://{path}"
    assert run(["migrate", "--yes"], db).returncode == 0
    # A customer already on file: the import must not make a second one.
    first = run(["customers", "import", write(d, "old.csv", "姓名,电话\n老客户,13000000007\n")], db)
    assert first.returncode == 0, first.stderr
    csv = f"{d}/c.csv"
    bad = {11: "坏号码,12345,normal", 22: ",13900000000,normal", 33: '"等级错",13900000001,gold'}
    with open(csv, "w", encoding="utf-8") as f:
        f.write("\ufeff姓名,电话,客户等级,市,区/县,街道/路,楼栋,门号\r\n")
        for i in range(100_000):
            line = i + 2
            if line in bad:
                f.write(bad[line] + ",,,,,\r\n")
            elif i == 50:
                f.write(f'"王, 先生",{phone(i)},VIP客户,杭州市,西湖区,"文三路 ""东""",1,101\r\n')
            else:
                f.write(f"客户{i},{phone(i)},normal,杭州市,西湖区,文三路,{i % 50},{i % 900}\r\n")
        f.write(f"又一行,{phone(4)},normal,,,,,\r\n")  # a number earlier in the file
    p = run(["customers", "import", csv], db)
    assert p.returncode == 2, p.stdout + p.stderr
    for line in bad:
        assert f"line {line}:" in p.stderr, p.stderr
    assert "imported 99996 customer(s), 2 already on file, 3 line(s) refused" in p.stdout, p.stdout
    assert "progress: " in p.stderr  # no terminal: a line per tenth
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == 99_997
        assert c.execute("SELECT COUNT(*) FROM customers WHERE phone = '13000000007'").fetchone()[0] == 1
        name, tier, address = c.execute("SELECT name, tier, address FROM customers WHERE phone = ?", (phone(50),)).fetchone()
        assert (name, tier) == ("王, 先生", "vip")
        assert '文三路 \\"东\\"' in address or '文三路 "东"' in address


def test_a_file_without_the_required_columns_is_refused_whole():
    d = tempfile.mkdtemp()
    db = f"sqlite://{d}/k.sqlite"
    assert run(["migrate", "--yes"], db).returncode == 0
    p = run(["customers", "import", write(d, "bad.csv", "名字,号码\n张三,13800138000\n")], db)
    assert p.returncode == 1
    assert "姓名" in p.stderr and "电话" in p.stderr
    p = run(["customers", "import", f"{d}/missing.csv"], db)
    assert p.returncode == 1 and "cannot open" in p.stderr
