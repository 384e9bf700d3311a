"""Operating Kefu as a deploy script or systemd does: no terminal, another working
directory, a wrong or unmigrated database. Needs KEFU_BIN (path to the built binary)."""
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from ports import free_port

KEFU = os.path.abspath(os.environ.get("KEFU_BIN", ".build/debug/kefu"))
ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cretPassw0rd"


def run(args, env_extra, cwd=None, timeout=120):
    env = dict(os.environ, LOG_LEVEL="error")
    env.pop("KEFU_RESOURCES", None)
    env.update(env_extra)
    return subprocess.run([KEFU, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout)


def one_clear_line(p):
    """A refusal is one line on stderr, with no crash backtrace and no secret."""
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    err = p.stderr.strip()
    assert err, p.stdout
    assert "Fatal error" not in err and "backtrace" not in err.lower() and "0x0000" not in err, err
    assert SECRET not in err and SECRET not in p.stdout
    return err


def sqlite_url(d):
    return f"sqlite://{d}/ops.sqlite"


def test_migrate_runs_without_a_terminal_and_dry_run_only_lists():
    d = tempfile.mkdtemp()
    dry = run(["migrate", "--dry-run"], {"DATABASE_URL": sqlite_url(d)})
    assert dry.returncode == 0, dry.stderr
    assert "M001_CreateDepartmentsAndUsers" in dry.stdout and "--dry-run" in dry.stdout
    # Nothing was migrated: serve refuses and says what to run.
    refused = run(["serve", "--port", str(free_port())], {"DATABASE_URL": sqlite_url(d)}, timeout=60)
    assert "kefu migrate" in one_clear_line(refused)
    first = run(["migrate"], {"DATABASE_URL": sqlite_url(d)})
    assert first.returncode == 0, first.stderr
    assert "M010_CreateSecurityCounters" in first.stdout
    again = run(["migrate"], {"DATABASE_URL": sqlite_url(d)})
    assert again.returncode == 0 and "没有待执行的迁移" in again.stdout


@pytest.mark.parametrize("url", [
    f"postgres://kefu:{SECRET}@127.0.0.1:1/kefu",                 # nothing listens there
    f"postgres://kefu:{SECRET}@nonexistent-host.invalid:5432/kefu",
])
def test_unreachable_database_fails_at_start_with_one_line(url):
    for args in (["migrate"], ["serve", "--port", str(free_port())]):
        p = run(args, {"DATABASE_URL": url}, timeout=90)
        err = one_clear_line(p)
        assert "DATABASE_URL" in err, err


def test_bad_database_url_is_refused_without_echoing_it():
    p = run(["migrate"], {"DATABASE_URL": f"mysql://kefu:{SECRET}@db/kefu"})
    assert p.returncode == 2
    assert SECRET not in p.stderr and "DATABASE_URL" in p.stderr


def wait_health(port, proc, seconds=60):
    for _ in range(seconds * 5):
        if proc.poll() is not None:
            raise AssertionError(f"server exited {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).status == 200:
                return
        except Exception:
            time.sleep(0.2)
    raise AssertionError("no /health")


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def serve(args, env_extra, cwd):
    env = dict(os.environ, LOG_LEVEL="error")
    env.update(env_extra)
    return subprocess.Popen(args, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def check_pages(port):
    status, body = get(port, "/login")
    assert status == 200 and "登录".encode() in body
    assert get(port, "/css/kefu.css")[0] == 200
    status, body = get(port, "/api/v1/openapi.json")
    assert status == 200 and b'"openapi"' in body


def test_serve_from_another_directory_finds_its_files():
    d = tempfile.mkdtemp()
    assert run(["migrate"], {"DATABASE_URL": sqlite_url(d)}).returncode == 0
    port = free_port()
    proc = serve([KEFU, "serve", "--host", "127.0.0.1", "--port", str(port)], {"DATABASE_URL": sqlite_url(d)}, cwd="/tmp")
    try:
        wait_health(port, proc)
        check_pages(port)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_refuses_to_start_without_its_files():
    d = tempfile.mkdtemp()
    assert run(["migrate"], {"DATABASE_URL": sqlite_url(d)}).returncode == 0
    empty = tempfile.mkdtemp()
    p = run(["serve", "--port", str(free_port())], {"DATABASE_URL": sqlite_url(d), "KEFU_RESOURCES": empty}, cwd=empty, timeout=60)
    assert "KEFU_RESOURCES" in one_clear_line(p)
    # A binary copied away from its files says so too, and where to point it.
    lone = Path(tempfile.mkdtemp()) / "bin" / "kefu"
    lone.parent.mkdir()
    shutil.copy(KEFU, lone)
    env = dict(os.environ, LOG_LEVEL="error", DATABASE_URL=sqlite_url(d))
    env.pop("KEFU_RESOURCES", None)
    p = subprocess.run([str(lone), "serve", "--port", str(free_port())], env=env, cwd=str(lone.parent),
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert "KEFU_RESOURCES" in one_clear_line(p)


def test_the_systemd_unit_command_line_starts_a_working_server():
    """Runs deploy/kefu.service's ExecStartPre and ExecStart with the binary and paths of
    this machine substituted: the command line a production install runs."""
    unit = (ROOT / "deploy" / "kefu.service").read_text()
    pre = re.search(r"^ExecStartPre=(.+)$", unit, re.M).group(1)
    start = re.search(r"^ExecStart=(.+)$", unit, re.M).group(1)
    env = dict(re.findall(r"^Environment=(\w+)=(.*)$", unit, re.M))
    assert env.get("KEFU_RESOURCES")
    workdir = tempfile.mkdtemp()
    share = Path(tempfile.mkdtemp()) / "share" / "kefu"
    share.mkdir(parents=True)
    shutil.copytree(ROOT / "Resources", share / "Resources")
    shutil.copytree(ROOT / "Public", share / "Public")
    env["KEFU_RESOURCES"] = str(share)
    env["DATABASE_URL"] = f"sqlite://{workdir}/kefu.sqlite"
    port = free_port()

    def localise(cmd):
        args = shlex.split(cmd)
        assert args[0] == "/usr/local/bin/kefu", args
        args[0] = KEFU
        if "--port" in args:
            args[args.index("--port") + 1] = str(port)
        return args

    p = subprocess.run(localise(pre), env=dict(os.environ, **env), cwd=workdir, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=120)
    assert p.returncode == 0, p.stderr
    proc = serve(localise(start), env, cwd=workdir)
    try:
        wait_health(port, proc)
        check_pages(port)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
