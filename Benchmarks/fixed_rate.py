#!/usr/bin/env python3
"""Open-loop fixed-rate HTTP load generator (a small stand-in for wrk2).

Sends rate*duration requests on a fixed schedule: request i is due at
t0 + i/rate. Worker threads, each with its own keep-alive connection, take the
next due request, wait until its scheduled time and send it. Latency is
measured from the *scheduled* send time, not from when a worker got around to
sending it, so a server that falls behind is charged for the queueing it
causes (no coordinated omission).

Prints one summary line, e.g.

    fixed_rate target=500 achieved=499.8 p50=1.234ms p90=2.1ms p99=5.678ms p999=9.1ms max=12.3ms requests=5000 ok=5000 errors=0 reconnects=0

and exits 1 when errors > --max-errors (default 0) or the schedule could
not be sent at all. Standard library only. Only talks to the given URL
(meant for 127.0.0.1).
"""

import argparse
import http.client
import itertools
import math
import socket
import sys
import threading
import time
from urllib.parse import urlsplit


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url", help="e.g. http://127.0.0.1:18090/api/v1/work-orders?limit=50")
    p.add_argument("-X", "--method", default="GET")
    p.add_argument("-d", "--data", default=None, help="request body (sent as UTF-8)")
    p.add_argument("--data-lines", default=None, help="file of request bodies, one per line, sent in turn (instead of -d)")
    p.add_argument("-H", "--header", action="append", default=[], help="'Name: value', repeatable")
    p.add_argument("-r", "--rate", type=float, default=500.0, help="requests per second (default 500)")
    p.add_argument("-D", "--duration", type=float, default=10.0, help="seconds of schedule (default 10)")
    p.add_argument("-c", "--connections", type=int, default=64,
                   help="worker threads = keep-alive connections = max requests in flight (default 64)")
    p.add_argument("--timeout", type=float, default=10.0, help="per-request socket timeout, seconds")
    p.add_argument("--max-errors", type=int, default=0, help="exit 1 when errors exceed this (default 0)")
    p.add_argument("--label", default="", help="printed as label=... in the summary line")
    a = p.parse_args(argv)
    if a.rate <= 0 or a.duration <= 0 or a.connections <= 0:
        p.error("rate, duration and connections must be positive")
    return a


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return float("nan")
    k = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[min(k, len(sorted_values)) - 1]


def fmt_ms(seconds):
    if seconds != seconds:  # NaN
        return "nan"
    return f"{seconds * 1000.0:.3f}ms"


class Runner:
    def __init__(self, a):
        self.a = a
        u = urlsplit(a.url)
        if u.scheme != "http":
            raise SystemExit(f"fixed_rate: only http:// URLs are supported (got {a.url})")
        self.host = u.hostname
        self.port = u.port or 80
        self.path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        self.body = a.data.encode("utf-8") if a.data is not None else None
        self.bodies = None
        if a.data_lines:
            with open(a.data_lines, encoding="utf-8") as f:
                self.bodies = [line.rstrip("\n").encode("utf-8") for line in f if line.strip()]
            if not self.bodies:
                raise SystemExit(f"fixed_rate: no bodies in {a.data_lines}")
        self.headers = {}
        for h in a.header:
            name, sep, value = h.partition(":")
            if not sep:
                raise SystemExit(f"fixed_rate: bad header {h!r} (want 'Name: value')")
            self.headers[name.strip()] = value.strip()
        self.total = int(round(a.rate * a.duration))
        self.interval = 1.0 / a.rate
        self.counter = itertools.count()
        self.lock = threading.Lock()
        self.latencies = []  # seconds, for every completed request (ok or not)
        self.ok = 0
        self.errors = 0
        self.reconnects = 0
        self.first_error = None
        self.last_done = 0.0
        self.t0 = 0.0
        self.ready = threading.Barrier(a.connections + 1)

    def connect(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.a.timeout)
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def send_once(self, conn, i=0):
        body = self.bodies[i % len(self.bodies)] if self.bodies else self.body
        conn.request(self.a.method, self.path, body=body, headers=self.headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, data

    def worker(self):
        conn = None
        try:
            conn = self.connect()
        except OSError as exc:
            self.record_error(f"connect: {exc}", None)
        try:
            self.ready.wait()
        except threading.BrokenBarrierError:
            return
        while True:
            i = next(self.counter)
            if i >= self.total:
                break
            due = self.t0 + i * self.interval
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            status = None
            err = None
            for attempt in (0, 1):
                try:
                    if conn is None:
                        conn = self.connect()
                    status, data = self.send_once(conn, i)
                    break
                except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                    # A kept-alive connection closed by the server: reconnect once.
                    if conn is not None:
                        conn.close()
                    conn = None
                    err = exc
                    if attempt == 0:
                        with self.lock:
                            self.reconnects += 1
                        continue
                except (OSError, http.client.HTTPException) as exc:
                    if conn is not None:
                        conn.close()
                    conn = None
                    err = exc
                    break
            done = time.perf_counter()
            latency = done - due
            with self.lock:
                self.latencies.append(latency)
                self.last_done = max(self.last_done, done)
                if status is not None and 200 <= status < 400:
                    self.ok += 1
                    continue
            if status is not None:
                snippet = data[:200].decode("utf-8", "replace")
                self.record_error(f"HTTP {status}: {snippet}", latency, counted=True)
            else:
                self.record_error(f"{type(err).__name__}: {err}", latency, counted=True)
        if conn is not None:
            conn.close()

    def record_error(self, message, latency, counted=False):
        with self.lock:
            if counted:
                self.errors += 1
            if self.first_error is None:
                self.first_error = message

    def run(self):
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.a.connections)]
        for t in threads:
            t.start()
        # All workers have connected; start the schedule shortly after.
        self.t0 = time.perf_counter() + 0.05
        self.ready.wait()
        deadline = self.t0 + self.a.duration + 2 * self.a.timeout + 5
        for t in threads:
            t.join(max(0.0, deadline - time.perf_counter()))
        hung = sum(t.is_alive() for t in threads)
        with self.lock:
            lat = sorted(self.latencies)
            ok, errors, reconnects = self.ok, self.errors, self.reconnects
            last_done = self.last_done
        completed = len(lat)
        missing = self.total - completed
        elapsed = max(last_done - self.t0, 1e-9) if completed else float("nan")
        achieved = completed / elapsed if completed else 0.0
        errors += missing  # never sent or never finished counts as an error
        label = f" label={self.a.label}" if self.a.label else ""
        print(
            f"fixed_rate{label} target={self.a.rate:g} achieved={achieved:.1f} "
            f"p50={fmt_ms(percentile(lat, 50))} p90={fmt_ms(percentile(lat, 90))} "
            f"p99={fmt_ms(percentile(lat, 99))} p999={fmt_ms(percentile(lat, 99.9))} "
            f"max={fmt_ms(lat[-1] if lat else float('nan'))} "
            f"requests={self.total} ok={ok} errors={errors} reconnects={reconnects}",
            flush=True,
        )
        if self.first_error:
            print(f"fixed_rate: first error: {self.first_error}", file=sys.stderr)
        if hung:
            print(f"fixed_rate: {hung} worker(s) still busy at the deadline", file=sys.stderr)
        if completed == 0 or errors > self.a.max_errors:
            return 1
        return 0


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    return Runner(a).run()


if __name__ == "__main__":
    sys.exit(main())
