"""The `kefu` command line as an operator uses it: migrate, add users, serve with
--host/--port and the simulated clock. Needs KEFU_BIN (path to the built binary)."""
import json
import os
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from ports import free_port

KEFU = os.environ.get("KEFU_BIN", ".build/debug/kefu")


def run(args, db, check=True):
    env = dict(os.environ, DATABASE_URL=db, LOG_LEVEL="error")
    p = subprocess.run([KEFU, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"kefu {' '.join(args)} failed ({p.returncode}): {p.stdout}\n{p.stderr}")
    return p


@pytest.fixture
def db():
    d = tempfile.mkdtemp()
    url = f"sqlite://{d}/cli.sqlite"
    run(["migrate", "--yes"], url)
    return url


def request(method, url, body=None, token=None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def start_server(args, db):
    """Starts `kefu serve …` and waits until /health answers; the caller terminates it."""
    server = subprocess.Popen(args, env=dict(os.environ, DATABASE_URL=db, LOG_LEVEL="error"), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    port = args[args.index("--port") + 1]
    for _ in range(100):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.2)
    return server


def test_user_add(db):
    out = run(["user", "add", "--work-id", "1001", "--name", "李娜", "--role", "agent", "--password", "secret123"], db)
    assert "1001" in out.stdout
    run(["user", "add", "--work-id", "5001", "--name", "徐强", "--role", "liaison", "--password", "secret123", "--department", "技术部",
         "--create-department"], db)
    dup = run(["user", "add", "--work-id", "1001", "--name", "重复", "--role", "agent", "--password", "secret123"], db, check=False)
    assert dup.returncode != 0 and "1001" in dup.stdout + dup.stderr
    bad = run(["user", "add", "--work-id", "1002", "--name", "x", "--role", "boss", "--password", "secret123"], db, check=False)
    assert bad.returncode != 0 and "boss" in bad.stdout + bad.stderr
    nodep = run(["user", "add", "--work-id", "5002", "--name", "x", "--role", "liaison", "--password", "secret123"], db, check=False)
    assert nodep.returncode != 0


def test_user_add_refuses_unknown_department(db):
    run(["user", "add", "--work-id", "5001", "--name", "徐强", "--role", "liaison", "--password", "secret123", "--department", "技术部",
         "--create-department"], db)
    typo = run(["user", "add", "--work-id", "5002", "--name", "王芳", "--role", "liaison", "--password", "secret123", "--department", "技木部"],
               db, check=False)
    assert typo.returncode != 0
    lines = [l for l in (typo.stdout + typo.stderr).splitlines() if "技木部" in l]
    assert len(lines) == 1 and "技术部" in lines[0] and "--create-department" in lines[0], typo.stdout + typo.stderr
    # Nothing was created: the typo is still unknown, and the user was not added.
    again = run(["user", "add", "--work-id", "5003", "--name", "赵六", "--role", "liaison", "--password", "secret123", "--department", "技木部"],
                db, check=False)
    assert again.returncode != 0
    run(["user", "add", "--work-id", "5002", "--name", "王芳", "--role", "liaison", "--password", "secret123", "--department", "技术部"], db)
    run(["user", "add", "--work-id", "5004", "--name", "孙七", "--role", "liaison", "--password", "secret123", "--department", "网络部",
         "--create-department"], db)


@pytest.mark.parametrize("simulated", [True, False])
def test_serve_with_host_port_and_clock(db, simulated):
    run(["user", "add", "--work-id", "9001", "--name", "管理员", "--role", "admin", "--password", "secret123"], db)
    port = free_port()
    args = [KEFU, "serve", "--host", "127.0.0.1", "--port", str(port)] + (["--simulated-clock"] if simulated else [])
    server = start_server(args, db)
    try:
        base = f"http://127.0.0.1:{port}"
        status, body = request("POST", base + "/api/v1/session", {"workId": "9001", "password": "secret123"})
        assert status == 200
        status, body = request("POST", base + "/api/v1/clock/advance", {"seconds": 3600}, body["token"])
        if simulated:
            assert status == 200 and body["offsetSeconds"] == 3600
        else:
            assert status == 404
    finally:
        server.terminate()
        server.wait(timeout=20)
