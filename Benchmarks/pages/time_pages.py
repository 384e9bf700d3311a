#!/usr/bin/env python3
"""Time Kefu's pages as the people who use them see them: signed in through the login form
(session cookie + CSRF token), one keep-alive connection per person, each page requested
`--runs` times after `--warmup` untimed requests.

    python3 time_pages.py --base http://127.0.0.1:18140 --db sqlite --sqlite /tmp/x/pages.sqlite
    python3 time_pages.py --base ... --db postgres --pg-url postgres://...

The time of a request is from sending it to the response's headers (time to first byte):
on loopback that is the server's time for the page. Prints one line per page
`pages db=… page=… p50_ms=… p99_ms=… max_ms=… bytes=… status=200 result=PASS|FAIL`
and writes the Markdown table to --markdown. Exits 1 when a page answers other than 200.
Stdlib only.
"""
import argparse
import http.client
import re
import statistics
import subprocess
import sqlite3
import sys
import time
import urllib.parse

PASSWORD = "demo1234"


class Person:
    """A browser session of one demo user."""

    def __init__(self, host, port, work_id):
        self.host, self.port, self.work_id = host, port, work_id
        self.conn = http.client.HTTPConnection(host, port, timeout=120)
        self.cookie = ""
        self.sign_in()

    def request(self, method, path, body=None, headers=None):
        h = {"Host": f"{self.host}:{self.port}", "Accept": "text/html"}
        if self.cookie:
            h["Cookie"] = self.cookie
        h.update(headers or {})
        t0 = time.perf_counter()
        self.conn.request(method, path, body=body, headers=h)
        res = self.conn.getresponse()
        ttfb = time.perf_counter() - t0
        data = res.read()
        for value in res.headers.get_all("Set-Cookie") or []:
            m = re.match(r"kefu_session=([^;]*)", value)
            if m:
                self.cookie = f"kefu_session={m.group(1)}"
        return res.status, data, ttfb, res

    def sign_in(self):
        status, body, _, _ = self.request("GET", "/login")
        m = re.search(rb'name="_csrf" value="([^"]+)"', body)
        if status != 200 or not m:
            raise SystemExit(f"login page: status {status}, no CSRF token")
        form = urllib.parse.urlencode({"_csrf": m.group(1).decode(), "workId": self.work_id, "password": PASSWORD})
        status, body, _, res = self.request("POST", "/login", form, {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{self.host}:{self.port}"})
        if status not in (302, 303):
            raise SystemExit(f"sign-in of {self.work_id} failed: {status} {body[:300]!r}")


def pick_orders(args):
    """Ids of the orders the order page is timed on: the busiest agent's escalated order
    and an old closed order with a callback (the longest timelines)."""
    queries = {
        "escalated": "SELECT id FROM work_orders WHERE owner_work_id='1001' AND escalation_level >= 2 AND status <> 'closed' "
                     "ORDER BY created_at LIMIT 1",
        "closed": "SELECT id FROM work_orders WHERE owner_work_id='1001' AND status='closed' AND callback_done "
                  "ORDER BY created_at LIMIT 1",
        # an order the liaison 5001's department has an open supervision order on
        "transferred": "SELECT o.id FROM work_orders o JOIN supervision_orders s ON s.work_order_id = o.id "
                       "JOIN users u ON u.department_id = s.department_id AND u.work_id = '5001' "
                       "WHERE o.status = 'transferred' AND s.status = 'open' ORDER BY o.created_at DESC LIMIT 1",
    }
    out = {}
    for name, sql in queries.items():
        if args.db == "sqlite":
            db = sqlite3.connect(args.sqlite)
            row = db.execute(sql.replace("AND callback_done", "AND callback_done = 1")).fetchone()
            db.close()
            out[name] = row[0] if row else None
        else:
            r = subprocess.run(["psql", args.pg_url, "-qAt", "-c", sql], capture_output=True, text=True, check=True)
            out[name] = r.stdout.strip().upper() or None
    return out


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    ap.add_argument("--sqlite")
    ap.add_argument("--pg-url")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--limit-ms", type=float, default=100.0)
    ap.add_argument("--markdown", help="append the table here")
    ap.add_argument("--only", help="comma-separated page names")
    args = ap.parse_args()
    u = urllib.parse.urlparse(args.base)
    orders = pick_orders(args)
    far = "offset=900000"
    # (page name, who, path)
    pages = [
        ("workspace", "1001", "/workspace"),
        ("order_escalated", "1001", f"/work-orders/{orders['escalated']}"),
        ("order_closed", "3001", f"/work-orders/{orders['closed']}"),
        ("order_liaison", "5001", f"/work-orders/{orders['transferred']}"),
        ("list", "3001", "/work-orders"),
        ("list_status_open", "3001", "/work-orders?status=open"),
        ("list_type_complaint", "3001", "/work-orders?type=complaint"),
        ("list_owner", "1001", "/work-orders?ownerWorkId=1001"),
        ("list_owner_open", "1001", "/work-orders?ownerWorkId=1001&status=open"),
        ("list_search", "3001", "/work-orders?q=%E5%AE%BD%E5%B8%A6"),  # 宽带
        ("list_page_2", "3001", "/work-orders?offset=50"),
        ("list_far_page", "3001", f"/work-orders?{far}"),
        ("list_liaison", "5001", "/work-orders"),
        ("shift_board", "3001", "/shift"),
        ("five_tables", "6001", "/workforce/tables"),
        ("supervision", "5001", "/supervision"),
        ("qc_queue", "4001", "/qa"),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p[0] in wanted]
    people = {}
    rows = []
    failed = False
    for name, who, path in pages:
        if who not in people:
            people[who] = Person(u.hostname, u.port, who)
        p = people[who]
        times, status, size = [], 0, 0
        for i in range(args.warmup + args.runs):
            status, body, ttfb, _ = p.request("GET", path)
            size = len(body)
            if status != 200:
                break
            if i >= args.warmup:
                times.append(ttfb * 1000)
        if status != 200 or not times:
            failed = True
            print(f"pages db={args.db} page={name} status={status} result=ERROR path={path}", flush=True)
            rows.append((name, who, path, None, None, None, size, status, "ERROR"))
            continue
        p50, p99, mx = statistics.median(times), percentile(times, 99), max(times)
        result = "PASS" if p99 < args.limit_ms else "FAIL"
        print(f"pages db={args.db} page={name} p50_ms={p50:.1f} p99_ms={p99:.1f} max_ms={mx:.1f} bytes={size} "
              f"status={status} result={result}", flush=True)
        rows.append((name, who, path, p50, p99, mx, size, status, result))
    passed = sum(1 for r in rows if r[-1] == "PASS")
    print(f"pages_summary db={args.db} pages={len(rows)} pass={passed} fail={len(rows) - passed} limit_ms={args.limit_ms:g}")
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as f:
            f.write(f"\n### {args.db}\n\n| page | as | path | p50 ms | p99 ms | max ms | bytes | status | < {args.limit_ms:g} ms |\n"
                    "|---|---|---|---:|---:|---:|---:|---:|---|\n")
            for name, who, path, p50, p99, mx, size, status, result in rows:
                fmt = (lambda v: "—" if v is None else f"{v:.1f}")
                short = path if len(path) < 60 else path[:45] + "…"
                f.write(f"| {name} | {who} | `{short}` | {fmt(p50)} | {fmt(p99)} | {fmt(mx)} | {size} | {status} | {result} |\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
