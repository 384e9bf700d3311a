"""ID numbers sealed at rest (issue 13, R5.5): a SQLite center gets a key file beside its
database on first start; the numbers in the file are not the ones typed; PostgreSQL without
KEFU_DATA_KEY refuses to start with one line that says what to set."""
import os
import sqlite3
import stat
import tempfile

from test_customers_import import run, write


def test_sqlite_gets_a_key_file_and_numbers_are_sealed():
    d = tempfile.mkdtemp()
    path = f"{d}/sub/k.sqlite"
    db = f"sqlite://{path}"
    assert run(["migrate", "--yes"], db).returncode == 0
    key = path + ".key"
    assert os.path.exists(key)
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    first = open(key).read()
    p = run(["customers", "import", write(d, "c.csv", "姓名,电话,证件号码\n王建国,13800138000,11010519491231002X\n")], db)
    assert p.returncode == 0, p.stderr
    # The same key on the next start.
    assert run(["migrate", "--yes"], db).returncode == 0
    assert open(key).read() == first
    with sqlite3.connect(path) as c:
        (stored,) = c.execute("SELECT id_number FROM customers").fetchone()
    assert stored.startswith("enc1:") and "1949" not in stored


def test_postgres_without_a_key_refuses_in_one_line():
    env = dict(os.environ)
    env.pop("KEFU_DATA_KEY", None)
    env.pop("KEFU_DATA_KEY_FILE", None)
    p = run(["migrate"], "postgres://kefu:pw@127.0.0.1:1/kefu", env=env)
    assert p.returncode != 0
    assert "KEFU_DATA_KEY" in p.stderr, p.stderr
    bad = run(["migrate"], "sqlite:///tmp/never.sqlite", env=dict(env, KEFU_DATA_KEY="short"))
    assert bad.returncode != 0 and "KEFU_DATA_KEY" in bad.stderr, bad.stderr
