#!/usr/bin/env python3
"""Bulk-load a year of switch (CTI) events into a Kefu database that `kefu demo` has set up.

    python3 gen_calls.py --sqlite /tmp/x/reports.sqlite --events 10000000
    python3 gen_calls.py --pg-url postgres://postgres@127.0.0.1:55480/kefu_reports --events 10000000

Writes the rows `POST /api/v1/cti/events` would have stored for HQ (columns of M008 and
M014), from a small simulation of a hotline, so the telephony reports read what a center a
year into production holds:

* calls from 08:00 to 22:00 with a daily profile (a morning and an afternoon peak; Mondays
  busier, Sundays quieter) into four queues, each caller with their own patience;
* 90 agents in an early (08:00-15:30) and a late shift (14:30-22:30), each signing in and
  out, taking a 30-minute break mid-shift (not_ready, ready), taking the next call when free
  (offered, answered, completed) and saying ready after a short wrap-up;
* a caller whose wait runs past their patience abandons, and one in five of those leaves
  a voicemail instead.

Every event decides exactly one outcome, so the calls offered in a period (answered +
abandoned + voicemail) are the count of those events in it: the benchmark checks the report
against that plain count.

SQLite: executemany in large transactions, cti_events' secondary indexes dropped during the
load and rebuilt after; the database's own trigger marks the hours for the rollups.
PostgreSQL: COPY through psql with that trigger disabled, the hours marked after in one
statement. Stdlib only. Deterministic for a given --seed and --now.
"""
import argparse
import heapq
import math
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

TZ = timezone(timedelta(hours=8))  # Asia/Shanghai, the server's default KEFU_TIMEZONE
DAY = 86400.0
QUEUES = [("咨询", 45), ("业务办理", 25), ("故障报修", 20), ("投诉", 10)]
HOURLY = [0, 0, 0, 0, 0, 0, 0, 0, 5, 9, 10, 9, 6, 6, 8, 9, 8, 7, 5, 4, 3, 2, 0, 0]  # calls by hour of day
WEEKDAY = [1.15, 1.0, 1.0, 1.0, 1.05, 0.8, 0.7]  # Monday first
AGENTS = 90
COLS = ("company_id", "event_id", "type", "at", "call_id", "queue", "caller", "agent_work_id", "reason", "source", "received_at")


def simulate(rng, day_start, weekday, calls_per_day, agents, counter):
    """One local day's events, in time order of nothing in particular (the loader sorts)."""
    out = []
    n_calls = int(calls_per_day * WEEKDAY[weekday] * rng.uniform(0.9, 1.1))
    total = sum(HOURLY)
    arrivals = []
    for hour, w in enumerate(HOURLY):
        for _ in range(round(n_calls * w / total)):
            arrivals.append(day_start + hour * 3600 + rng.random() * 3600)
    arrivals.sort()
    # Agents: (free_at, index); shift and break per agent.
    heap = []
    shift = {}
    for i, work_id in enumerate(agents):
        early = i % 2 == 0
        start = day_start + (8 * 3600 if early else 14.5 * 3600) + rng.uniform(-300, 300)
        end = day_start + (15.5 * 3600 if early else 22.5 * 3600) + rng.uniform(-120, 600)
        shift[i] = [start, end, start + 3.5 * 3600 + rng.uniform(-900, 900), False, start]
        out.append(("logged_in", start, None, None, None, work_id, None))
        heapq.heappush(heap, (start, i))
    for t in arrivals:
        counter[0] += 1
        call = f"bc{counter[0]}"
        queue = QUEUES[0][0]
        r = rng.random() * 100
        for name, w in QUEUES:
            if r < w:
                queue = name
                break
            r -= w
        caller = "13" + str(rng.randrange(100000000, 999999999))
        out.append(("enqueued", t, call, queue, caller, None, None))
        patience = rng.expovariate(1 / 120)
        agent = None
        while heap:
            free_at, i = heap[0]
            start, end, brk, taken, _ = shift[i]
            if free_at > end:
                heapq.heappop(heap)
                shift[i][4] = free_at
                continue
            if not taken and max(t, free_at) >= brk:
                heapq.heappop(heap)
                b = max(free_at, brk)
                out.append(("not_ready", b, None, None, None, agents[i], "休息"))
                out.append(("ready", b + 1800, None, None, None, agents[i], None))
                shift[i][3] = True
                heapq.heappush(heap, (b + 1800, i))
                continue
            agent = i
            break
        begin = max(t, heap[0][0]) if agent is not None else math.inf
        if begin - t > patience:
            gone = t + patience
            out.append(("voicemail" if rng.random() < 0.2 else "abandoned", gone, call, None, None, None, None))
            continue
        heapq.heappop(heap)
        ring = rng.uniform(2, 6)
        answered = begin + ring
        talk = rng.lognormvariate(math.log(150), 0.6)
        done = answered + talk
        wrap = rng.uniform(10, 60)
        work_id = agents[agent]
        out.append(("offered", begin, call, None, None, work_id, None))
        out.append(("answered", answered, call, None, None, work_id, None))
        out.append(("completed", done, call, None, None, None, None))
        out.append(("ready", done + wrap, None, None, None, work_id, None))
        heapq.heappush(heap, (done + wrap, agent))
    for i, work_id in enumerate(agents):
        last = max(shift[i][1], shift[i][4])
        out.append(("logged_out", last, None, None, None, work_id, None))
    for free_at, i in heap:
        shift[i][4] = max(shift[i][4], free_at)
    return out


def generate(sink, hq, n_events, seed, now, days):
    rng = random.Random(seed)
    agents = [str(8000 + i) for i in range(AGENTS)]
    # ~4.6 events per call plus four per agent and day.
    calls_per_day = max(1, (n_events / days - AGENTS * 4) / 4.6)
    today = datetime.fromtimestamp(now, TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    counter = [0]
    seq = 0
    written = 0
    last = time.time()
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        events = simulate(rng, day.timestamp(), day.weekday(), calls_per_day, agents, counter)
        events.sort(key=lambda e: e[1])
        rows = []
        for type_, at, call, queue, caller, agent, reason in events:
            seq += 1
            rows.append((hq, f"bench-{seq}", type_, at, call, queue, caller, agent, reason, "bench", at + 0.2))
        sink.rows(rows)
        written += len(rows)
        if time.time() - last > 10:
            last = time.time()
            print(f"  ... {written} events ({day.date()})", file=sys.stderr, flush=True)
    return written


class SQLiteSink:
    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY"):
            self.db.execute("PRAGMA " + pragma)
        self.indexes = self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name='cti_events'").fetchall()
        for name, _ in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')
        self.db.execute("BEGIN")
        self.pending = 0

    def hq(self):
        return self.db.execute("SELECT id FROM companies WHERE code='HQ'").fetchone()[0]

    def rows(self, rows):
        self.db.executemany(f'INSERT INTO cti_events ({",".join(COLS)}) VALUES ({",".join("?" * len(COLS))})', rows)
        self.pending += len(rows)
        if self.pending > 500_000:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self.pending = 0

    def finish(self):
        self.db.execute("COMMIT")
        t = time.time()
        for _, sql in self.indexes:
            self.db.execute(sql)
        print(f"  indexes rebuilt in {time.time() - t:.1f}s", file=sys.stderr)
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


class PGSink:
    def __init__(self, url, workdir):
        self.url = url
        self.path = os.path.join(workdir, "cti_events.tsv")
        self.file = open(self.path, "w", encoding="utf-8")

    def psql(self, sql):
        r = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"psql failed: {sql[:200]}\n{r.stderr}")
        return r.stdout

    def hq(self):
        return self.psql("SELECT id FROM companies WHERE code='HQ'").strip()

    @staticmethod
    def text(v, i):
        if v is None:
            return r"\N"
        if COLS[i] in ("at", "received_at"):
            return datetime.fromtimestamp(v, timezone.utc).isoformat()
        return str(v)

    def rows(self, rows):
        self.file.write("".join("\t".join(self.text(v, i) for i, v in enumerate(r)) + "\n" for r in rows))

    def finish(self):
        self.file.close()
        indexes = [line.split("|", 1) for line in self.psql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname='public' AND tablename='cti_events' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)").splitlines() if line]
        for name, _ in indexes:
            self.psql(f'DROP INDEX "{name}"')
        t = time.time()
        self.psql("ALTER TABLE cti_events DISABLE TRIGGER report_mark_cti_events")
        cmd = f"\\copy cti_events ({','.join(COLS)}) FROM '{self.path}'"
        r = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", cmd], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"COPY cti_events failed:\n{r.stderr}")
        os.unlink(self.path)
        self.psql("ALTER TABLE cti_events ENABLE TRIGGER report_mark_cti_events")
        # What the trigger would have marked: every hour that holds an event.
        self.psql("INSERT INTO report_dirty_call_hours (company_id, hour, version) "
                  "SELECT DISTINCT company_id, CAST(floor(extract(epoch from at) / 3600) AS BIGINT), 1 FROM cti_events "
                  "WHERE company_id IS NOT NULL ON CONFLICT (company_id, hour) DO UPDATE SET version = report_dirty_call_hours.version + 1")
        print(f"  COPY in {time.time() - t:.1f}s", file=sys.stderr)
        t = time.time()
        for _, sql in indexes:
            self.psql(sql)
        self.psql("ANALYZE")
        print(f"  indexes rebuilt + ANALYZE in {time.time() - t:.1f}s", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sqlite")
    ap.add_argument("--pg-url")
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--days", type=int, default=380, help="days before today to fill (today itself stays the demo's)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--now", type=float, default=None, help="epoch seconds (default: the clock)")
    ap.add_argument("--workdir", default=None, help="scratch directory for PostgreSQL's COPY file")
    a = ap.parse_args()
    if bool(a.sqlite) == bool(a.pg_url):
        raise SystemExit("give exactly one of --sqlite and --pg-url")
    sink = SQLiteSink(a.sqlite) if a.sqlite else PGSink(a.pg_url, a.workdir or "/tmp")
    t = time.time()
    n = generate(sink, sink.hq(), a.events, a.seed, a.now or time.time(), a.days)
    sink.finish()
    print(f"loaded {n} CTI events in {time.time() - t:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
