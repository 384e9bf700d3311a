#!/usr/bin/env python3
"""CTI ingest rate and event -> wallboard latency of a running kefu (see README.md).

Started by run.sh, which brings up the server(s); can also be pointed at any
running kefu whose database has the demo data (`kefu demo`).

Phases
  1. batch ingest : --events canonical CTI events, batches of --batch, from
                    --senders concurrent senders (no wallboard open)
  2. single ingest: one event per request, --senders concurrent senders, for
                    --single-seconds seconds
  3. latency      : --clients wallboard WebSockets (spread over all --base URLs),
                    then `enqueued` marker events (a) at a steady --rate for
                    --seconds, (b) --isolated markers one at a time; for every
                    (marker, client) the time from just before the POST of the
                    marker to the first snapshot received by that client whose
                    top-level `waiting` counts the marker.

Prints a table and writes JSON (--out).
"""
import argparse
import asyncio
import bisect
import json
import os
import re
import statistics
import sys
import time
import uuid
from datetime import datetime, timezone

import aiohttp

from ws_pool import ClientPool

perf = time.perf_counter


def iso_now(offset_us=0):
    t = datetime.now(timezone.utc)
    if offset_us:
        from datetime import timedelta
        t = t + timedelta(microseconds=offset_us)
    return t.isoformat(timespec="microseconds")


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def summary_ms(values):
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": round(pct(values, 50) * 1000, 2),
        "p95_ms": round(pct(values, 95) * 1000, 2),
        "p99_ms": round(pct(values, 99) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
        "mean_ms": round(statistics.fmean(values) * 1000, 2),
    }


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------
# events

def call_events(run, k, agent):
    """One complete call: enqueued -> offered -> answered -> completed (4 events)."""
    call = f"{run}-c{k}"
    ids = [f"{run}-e{k}-{s}" for s in range(4)]
    # strictly increasing `at` inside the call, close to now
    return [
        {"id": ids[0], "type": "enqueued", "at": iso_now(0), "callId": call, "queue": "bench", "caller": f"139{k % 100000000:08d}"},
        {"id": ids[1], "type": "offered", "at": iso_now(1), "callId": call, "agentWorkId": agent},
        {"id": ids[2], "type": "answered", "at": iso_now(2), "callId": call, "agentWorkId": agent},
        {"id": ids[3], "type": "completed", "at": iso_now(3), "callId": call, "agentWorkId": agent},
    ]


def make_events(run, n):
    events = []
    k = 0
    while len(events) < n:
        events.extend(call_events(run, k, f"9{k % 50:03d}"))
        k += 1
    return events[:n]


async def post_events(session, base, token, body):
    async with session.post(f"{base}/api/v1/cti/events", data=body,
                            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}) as r:
        text = await r.text()
        if r.status != 200:
            raise BenchError(f"POST {base}/api/v1/cti/events -> HTTP {r.status}: {text[:500]}")
        return json.loads(text)


def count_status(answer):
    fresh = sum(1 for x in answer["results"] if x["status"] == "accepted")
    dup = sum(1 for x in answer["results"] if x["status"] == "duplicate")
    rej = sum(1 for x in answer["results"] if x["status"] == "rejected")
    return fresh, dup, rej


# ---------------------------------------------------------------------------
# phase 1 + 2: ingest

async def batch_ingest(bases, token, n, batch, senders):
    run = "ib" + uuid.uuid4().hex[:8]
    events = make_events(run, n)
    bodies = [json.dumps(events[i:i + batch]).encode() for i in range(0, len(events), batch)]
    queue = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)
    totals = {"accepted_field": 0, "fresh": 0, "duplicate": 0, "rejected": 0, "requests": 0}
    latencies = []
    first_error = []

    async def sender(i, session):
        base = bases[i % len(bases)]
        while True:
            try:
                body = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = perf()
            try:
                ans = await post_events(session, base, token, body)
            except Exception as e:  # keep going, report
                first_error.append(repr(e))
                return
            latencies.append(perf() - t0)
            f, d, r = count_status(ans)
            totals["accepted_field"] += ans["accepted"]
            totals["fresh"] += f
            totals["duplicate"] += d
            totals["rejected"] += r
            totals["requests"] += 1

    conn = aiohttp.TCPConnector(limit=senders * 2)
    async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=600)) as s:
        t0 = perf()
        await asyncio.gather(*(sender(i, s) for i in range(senders)))
        elapsed = perf() - t0
    if first_error:
        raise BenchError(f"batch ingest failed: {first_error[0]}")
    ok = totals["fresh"] == n and totals["accepted_field"] == n and totals["rejected"] == 0
    return {
        "events": n, "batch": batch, "senders": senders, "targets": bases,
        "seconds": round(elapsed, 3), "events_per_s": round(totals["fresh"] / elapsed, 1),
        "counts": totals, "counts_ok": ok, "request_latency": summary_ms(latencies),
    }


async def single_ingest(bases, token, seconds, senders):
    run = "is" + uuid.uuid4().hex[:8]
    totals = {"fresh": 0, "duplicate": 0, "rejected": 0, "requests": 0}
    latencies = []
    errors = []
    deadline = perf() + seconds

    async def sender(i, session):
        base = bases[i % len(bases)]
        k = 0
        while perf() < deadline:
            ev = {"id": f"{run}-{i}-{k}", "type": "enqueued" if k % 2 == 0 else "abandoned", "at": iso_now(),
                  "callId": f"{run}-{i}-c{k // 2}", "queue": "bench-single"}
            k += 1
            t0 = perf()
            try:
                ans = await post_events(session, base, token, json.dumps(ev).encode())
            except Exception as e:
                errors.append(repr(e))
                return
            latencies.append(perf() - t0)
            f, d, r = count_status(ans)
            totals["fresh"] += f
            totals["duplicate"] += d
            totals["rejected"] += r
            totals["requests"] += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=senders * 2)) as s:
        t0 = perf()
        await asyncio.gather(*(sender(i, s) for i in range(senders)))
        elapsed = perf() - t0
    if errors:
        raise BenchError(f"single-event ingest failed: {errors[0]}")
    return {
        "senders": senders, "targets": bases, "seconds": round(elapsed, 3),
        "events_per_s": round(totals["fresh"] / elapsed, 1), "counts": totals,
        "counts_ok": totals["fresh"] == totals["requests"] and totals["rejected"] == 0,
        "request_latency": summary_ms(latencies),
    }


# ---------------------------------------------------------------------------
# phase 3: wallboard latency

CSRF_RE = re.compile(r'name="_csrf"\s+value="([^"]+)"')


async def login_cookie(base, work_id, password):
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as s:
        async with s.get(f"{base}/login") as r:
            html = await r.text()
            if r.status != 200:
                raise BenchError(f"GET /login -> {r.status}")
        m = CSRF_RE.search(html)
        if not m:
            raise BenchError("no _csrf input in GET /login")
        async with s.post(f"{base}/login", data={"workId": work_id, "password": password, "_csrf": m.group(1)},
                          allow_redirects=False) as r:
            if r.status != 303:
                raise BenchError(f"POST /login -> HTTP {r.status} (want 303): {(await r.text())[:300]}")
        for c in jar:
            if c.key == "kefu_session":
                return c.value
    raise BenchError("no kefu_session cookie after POST /login")


async def wait_quiet(pool, quiet=0.5, limit=30):
    """Until no client has received anything for `quiet` seconds."""
    end = perf() + limit
    while perf() < end:
        if perf() - pool.last_receive() >= quiet:
            return
        await asyncio.sleep(0.1)


def evaluate(report, markers, base_of, until):
    """markers: list of (t_send, threshold). Per (marker, client): the first frame received
    in [t_send, until) whose waiting >= the client's starting value + threshold."""
    lat, missed = [], 0
    for t_send, thr in markers:
        for c, (times, waits, _) in report.items():
            i = bisect.bisect_left(times, t_send)
            hit = None
            while i < len(times) and times[i] < until:
                if waits[i] >= base_of[c] + thr:
                    hit = times[i]
                    break
                i += 1
            if hit is None:
                missed += 1
            else:
                lat.append(hit - t_send)
    return lat, missed


def count_frames(report, t_from, t_to):
    return sum(bisect.bisect_left(t, t_to) - bisect.bisect_left(t, t_from) for t, _, _ in report.values())


async def latency_phase(bases, token, cookie, n_clients, rate, seconds, isolated, pause, work_id, password, procs):
    pool = ClientPool(bases, cookie, n_clients, procs)
    connect_s, ready_s = await pool.open()
    await wait_quiet(pool)
    # each client's own starting point (they should all agree; recorded if they do not)
    start = pool.waiting()
    base_of = dict(enumerate(start))
    dist = {}
    for w in start:
        dist[w] = dist.get(w, 0) + 1
    waiting = 0  # markers sent so far
    result = {"clients": n_clients, "client_processes": len(pool.workers), "targets": bases,
              "connect_seconds": round(connect_s, 2), "all_initial_snapshots_seconds": round(ready_s, 2),
              "initial_waiting_by_client": {str(k): v for k, v in sorted(dist.items())}}
    run = "m" + uuid.uuid4().hex[:8]
    post_lat = []
    async with aiohttp.ClientSession() as s:
        # cost of one snapshot, without throttle or WebSockets: GET /api/v1/live, 20 times per process
        async with s.post(f"{bases[0]}/api/v1/session", json={"workId": work_id, "password": password}) as r:
            bearer = (await r.json())["token"]
        live_lat = {}
        for b in bases:
            xs = []
            for _ in range(20):
                t0 = perf()
                async with s.get(f"{b}/api/v1/live", headers={"Authorization": f"Bearer {bearer}"}) as r:
                    await r.read()
                    if r.status != 200:
                        raise BenchError(f"GET {b}/api/v1/live -> HTTP {r.status}")
                xs.append(perf() - t0)
            live_lat[b] = summary_ms(xs)
        result["get_live_snapshot"] = live_lat

        async def marker(k, base):
            ev = {"id": f"{run}-{k}", "type": "enqueued", "at": iso_now(), "callId": f"{run}-call-{k}",
                  "queue": "bench-marker", "caller": "13900000000"}
            body = json.dumps(ev).encode()
            t0 = perf()
            ans = await post_events(s, base, token, body)
            post_lat.append(perf() - t0)
            if count_status(ans)[0] != 1:
                raise BenchError(f"marker {k} not accepted: {ans}")
            return t0

        # (a) steady rate; markers are fired on schedule and not awaited one by one
        steady = []
        n = int(rate * seconds)
        t_start = perf()
        pending = []
        for k in range(n):
            target = t_start + k / rate
            delay = target - perf()
            if delay > 0:
                await asyncio.sleep(delay)
            waiting += 1
            thr = waiting
            base = bases[k % len(bases)]

            async def fire(k=k, base=base, thr=thr):
                t0 = await marker(k, base)
                steady.append((t0, thr))
            pending.append(asyncio.create_task(fire()))
        await asyncio.gather(*pending)
        sched_s = perf() - t_start
        await asyncio.sleep(2.0)
        await wait_quiet(pool, quiet=0.5, limit=30)
        t_steady_end = perf()
        steady_post = summary_ms(post_lat)
        post_lat.clear()

        # (b) isolated markers: one at a time, next after every client saw it (or 5 s)
        iso = []
        timeouts = 0
        base_list = [base_of[i] for i in range(n_clients)]
        for k in range(isolated):
            waiting += 1
            base = bases[k % len(bases)]
            t0 = await marker(n + k, base)
            iso.append((t0, waiting))
            end = perf() + 5
            while min(w - b for w, b in zip(pool.wait, base_list)) < waiting:
                if perf() > end:
                    timeouts += 1
                    break
                await asyncio.sleep(0.002)
            await asyncio.sleep(pause)
        await wait_quiet(pool, quiet=0.3, limit=10)
    report, client_cpu = await pool.finish()
    t_end = perf() + 1
    lat, missed = evaluate(report, steady, base_of, t_steady_end)
    msgs = count_frames(report, t_start, t_steady_end)
    result["steady"] = {"rate_per_s": rate, "seconds": seconds, "markers": n, "send_seconds": round(sched_s, 2),
                        "deliveries_expected": n * n_clients, "missed": missed, "messages_received": msgs,
                        "snapshots_per_client_per_s": round(msgs / n_clients / max(sched_s, 1e-9), 2),
                        "latency": summary_ms(lat), "marker_post": steady_post}
    lat, missed = evaluate(report, iso, base_of, t_end)
    result["isolated"] = {"markers": isolated, "pause_s": pause, "deliveries_expected": isolated * n_clients,
                          "missed": missed, "timeouts": timeouts,
                          "latency": summary_ms(lat), "marker_post": summary_ms(post_lat)}
    frames = sum(len(t) for t, _, _ in report.values())
    result["client_cpu"] = {"seconds": round(client_cpu, 2), "frames": frames,
                            "us_per_frame": round(client_cpu / max(frames, 1) * 1e6, 1)}
    closed = [c for _, _, c in report.values() if c]
    result["clients_closed_during_run"] = len(closed) + (n_clients - len(report))
    if closed:
        result["close_reasons"] = sorted(set(closed))[:5]
    return result


# ---------------------------------------------------------------------------

def fmt(v, unit=""):
    return "n/a" if v is None else f"{v}{unit}"


def print_table(r):
    rows = [("phase", "metric", "value")]
    b, s, l = r.get("batch_ingest"), r.get("single_ingest"), r.get("latency")
    if b:
        rows.append(("batch ingest", f"events/s ({b['events']} ev, batches of {b['batch']}, {b['senders']} senders)", f"{b['events_per_s']:.0f}"))
        rows.append(("", "accepted counts add up", "yes" if b["counts_ok"] else f"NO {b['counts']}"))
        rows.append(("", "request p50 / p99", f"{b['request_latency']['p50_ms']} / {b['request_latency']['p99_ms']} ms"))
    if s:
        rows.append(("single-event ingest", f"events/s ({s['senders']} senders, 1 event/request)", f"{s['events_per_s']:.0f}"))
        rows.append(("", "request p50 / p99", f"{s['request_latency']['p50_ms']} / {s['request_latency']['p99_ms']} ms"))
    if l:
        for key, title in (("steady", f"steady {l['steady']['rate_per_s']}/s markers"), ("isolated", "isolated markers")):
            x = l[key]
            lat = x["latency"]
            rows.append((f"latency {title}", f"{l['clients']} clients, {lat.get('n', 0)} deliveries, missed {x['missed']}",
                         f"p50 {fmt(lat.get('p50_ms'))} p95 {fmt(lat.get('p95_ms'))} p99 {fmt(lat.get('p99_ms'))} max {fmt(lat.get('max_ms'))} ms"))
            rows.append(("", "marker POST p50 / p99", f"{x['marker_post'].get('p50_ms')} / {x['marker_post'].get('p99_ms')} ms"))
        cc = l.get("client_cpu")
        if cc:
            rows.append(("clients", f"{l.get('client_processes')} processes, {cc['frames']} frames", f"{cc['us_per_frame']} µs CPU per frame"))
        for b, x in l.get("get_live_snapshot", {}).items():
            rows.append(("GET /api/v1/live", b, f"p50 {x.get('p50_ms')} max {x.get('max_ms')} ms (idle, 20 requests)"))
    w = [max(len(str(row[i])) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(str(row[i]).ljust(w[i]) for i in range(3)))


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", action="append", required=True, help="server URL; repeat for several processes (first = process 1)")
    ap.add_argument("--token", default="cti_demo_switch_token_local_only")
    ap.add_argument("--label", default="run")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--senders", type=int, default=4)
    ap.add_argument("--single-seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=500)
    ap.add_argument("--rate", type=float, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--isolated", type=int, default=100)
    ap.add_argument("--client-procs", type=int, default=4, help="processes the WebSocket clients are spread over")
    ap.add_argument("--pause", type=float, default=0.2)
    ap.add_argument("--work-id", default="3001")
    ap.add_argument("--password", default="demo1234")
    ap.add_argument("--skip", default="", help="comma list of phases to skip: batch,single,latency")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    r = {"label": a.label, "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "bases": a.base,
         "params": {k: v for k, v in vars(a).items() if k not in ("password", "token")}}
    ok = True
    try:
        if "batch" not in skip:
            print(f"[{a.label}] batch ingest: {a.events} events ...", flush=True)
            r["batch_ingest"] = await batch_ingest(a.base, a.token, a.events, a.batch, a.senders)
            print(f"  {r['batch_ingest']['events_per_s']} events/s", flush=True)
        if "single" not in skip:
            print(f"[{a.label}] single-event ingest: {a.single_seconds} s ...", flush=True)
            r["single_ingest"] = await single_ingest(a.base, a.token, a.single_seconds, a.senders)
            print(f"  {r['single_ingest']['events_per_s']} events/s", flush=True)
        if "latency" not in skip:
            print(f"[{a.label}] latency: {a.clients} WebSocket clients ...", flush=True)
            cookie = await login_cookie(a.base[0], a.work_id, a.password)
            r["latency"] = await latency_phase(a.base, a.token, cookie, a.clients, a.rate, a.seconds, a.isolated, a.pause, a.work_id, a.password, a.client_procs)
    except BenchError as e:
        r["error"] = str(e)
        ok = False
        print(f"BENCH ERROR: {e}", file=sys.stderr)
    r["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    print()
    print(f"== {a.label} ==")
    print_table(r)
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(r, f, indent=2)
        print(f"wrote {a.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
