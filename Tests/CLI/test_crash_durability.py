"""Every acknowledged work-order create survives `kill -9` of the server (issue 12).

A write path that answers 201 before its transaction is durable (a group commit that
acknowledges early, a buffered writer) would pass every other test and lose orders on a
crash; this one kills the server mid-load, restarts it on the same SQLite file and reads
back every order that was answered 201. Needs KEFU_BIN (path to the built binary)."""
import http.client
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from ports import free_port

KEFU = os.path.abspath(os.environ.get("KEFU_BIN", ".build/debug/kefu"))
PASSWORD = "crash1234"
WRITERS = 16
LOAD_SECONDS = 1.5
KILLS = 3


def run(args, env_extra):
    env = dict(os.environ, LOG_LEVEL="error")
    env.pop("KEFU_RESOURCES", None)
    env.update(env_extra)
    return subprocess.run([KEFU, *args], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


class Server:
    """`kefu serve` as a deploy script starts it: no terminal, another working directory."""

    def __init__(self, env, log_path):
        self.env, self.log_path = env, log_path
        self.port = free_port()
        self.proc = None

    def start(self):
        env = dict(os.environ, LOG_LEVEL="error")
        env.pop("KEFU_RESOURCES", None)
        env.update(self.env)
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([KEFU, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                     env=env, cwd=tempfile.gettempdir(), stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        for _ in range(300):
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited {self.proc.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except Exception:
                time.sleep(0.1)
        raise AssertionError(f"no /health within 30 s: {self.log()}")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def request(self, method, path, body=None, token=None, conn=None):
        own = conn is None
        if own:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            raw = r.read()
            return r.status, (json.loads(raw) if raw.strip().startswith((b"{", b"[")) else raw)
        finally:
            if own:
                conn.close()

    def login(self):
        status, body = self.request("POST", "/api/v1/session", {"workId": "7001", "password": PASSWORD})
        assert status in (200, 201), (status, body)
        return body["token"]


def hammer(server, token, customer, seconds):
    """WRITERS threads create orders as fast as they can; SIGKILL after `seconds`. Returns the
    (id, number) of every order answered 201, and the unexpected answers received before the kill."""
    acked, unexpected = [], []
    lock = threading.Lock()
    killed = threading.Event()
    order = {"type": "consultation", "channel": "phone", "subject": "断电测试",
             "description": "kill -9 之后仍应可读", "customerId": customer}

    def writer():
        conn = None
        while not killed.is_set():
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                status, body = server.request("POST", "/api/v1/work-orders", order, token, conn)
            except Exception:
                # The server is gone (or the connection broke as it died): nothing acknowledged.
                if conn is not None:
                    conn.close()
                    conn = None
                if killed.is_set():
                    return
                time.sleep(0.01)
                continue
            with lock:
                if status == 201:
                    acked.append((body["id"], body["number"]))
                elif not killed.is_set():
                    unexpected.append((status, str(body)[:300]))

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    server.kill9()
    killed.set()
    for t in threads:
        t.join(timeout=15)
    with lock:
        return list(acked), list(unexpected)


def check_readable(server, token, acked):
    def read(item):
        oid, number = item
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            status, body = server.request("GET", f"/api/v1/work-orders/{oid}", token=token, conn=conn)
        finally:
            conn.close()
        if status != 200:
            return f"{number} ({oid}): GET answered {status}"
        if body.get("number") != number:
            return f"{oid}: number {body.get('number')!r} after restart, {number!r} when acknowledged"
        return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        problems = [p for p in pool.map(read, acked) if p]
    assert not problems, f"{len(problems)} of {len(acked)} acknowledged orders lost after kill -9: {problems[:10]}"


def test_acknowledged_creates_survive_kill_9():
    d = tempfile.mkdtemp(prefix="kefu-crash-")
    env = {"DATABASE_URL": f"sqlite://{d}/crash.sqlite"}
    p = run(["migrate", "--yes"], env)
    assert p.returncode == 0, p.stderr
    p = run(["user", "add", "--work-id", "7001", "--name", "断电", "--role", "agent", "--password", PASSWORD], env)
    assert p.returncode == 0, p.stderr

    server = Server(env, os.path.join(d, "server.log"))
    all_acked = []
    started = time.monotonic()
    try:
        server.start()
        token = server.login()
        status, body = server.request("POST", "/api/v1/customers", {"name": "断电客户", "phone": "13800138123"}, token)
        assert status == 201, (status, body)
        customer = body["id"]
        for round_no in range(1, KILLS + 1):
            acked, unexpected = hammer(server, token, customer, LOAD_SECONDS)
            assert not unexpected, f"round {round_no}: answers other than 201 before the kill: {unexpected[:5]}"
            assert acked, f"round {round_no}: no create was acknowledged in {LOAD_SECONDS} s: {server.log()}"
            all_acked += acked
            server.start()  # same database, after kill -9
            token = server.login()
            # Everything acknowledged so far, this round's and the earlier ones', reads back.
            check_readable(server, token, all_acked)
        ids = [i for i, _ in all_acked]
        numbers = [n for _, n in all_acked]
        assert len(set(ids)) == len(ids), "an order id was acknowledged twice"
        assert len(set(numbers)) == len(numbers), "an order number was handed out twice"
    finally:
        server.stop()
    print(f"crash durability: {len(all_acked)} acknowledged creates in {KILLS} kill -9 rounds survived "
          f"({time.monotonic() - started:.1f} s)")
