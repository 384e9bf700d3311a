#!/usr/bin/env python3
"""A center's busiest hour, compressed: one driver plays the switch, the agents, their
browsers, the QC recorder and the wallboards against one or two running `kefu serve`
processes. See README.md; started by run.sh, which brings up the database and servers.

Time: the hour is --seconds of real time (default 360 s = 3,600 s at --speed 10). Every
duration of the floor (wait, ring, talk, hold, after-call work, breaks) is drawn in floor
seconds and slept for floor/speed real seconds, so the rates of calls, events, orders and
QC are 10x a real hour. What a browser does on its own clock does not speed up: the
workspace polls `/workspace/call.json` every --poll-seconds real seconds (3, as
Public/js/kefu.js does) and reloads the page when the call it shows changes.
"""
import argparse
import asyncio
import collections
import json
import math
import multiprocessing as mp
import os
import random
import re
import statistics
import sys
import time
from datetime import datetime, timezone

import aiohttp

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "live"))
import seed  # noqa: E402
from live_bench import login_cookie, count_status, BenchError  # noqa: E402
from wallboards import WallboardPool  # noqa: E402

perf = time.perf_counter

# Queues and their share of calls. With two processes each queue belongs to one of them
# (its switch connector), so each queue's answers reach the server in order.
QUEUES = [("inbound", 0.40), ("vip", 0.15), ("business", 0.20), ("complaint", 0.25)]
ORDER_TYPES = [("consultation", 0.35), ("query", 0.25), ("complaint", 0.15), ("business", 0.15), ("suggestion", 0.10)]
NOT_READY_REASONS = ["小休", "用餐", "培训", "会议"]


def pick(weighted, rng=random):
    r = rng.random()
    acc = 0.0
    for v, w in weighted:
        acc += w
        if r < acc:
            return v
    return weighted[-1][0]


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(math.ceil(p / 100.0 * len(s))) - 1))
    return s[k]


def summary_ms(values):
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50_ms": round(pct(values, 50) * 1000, 1), "p95_ms": round(pct(values, 95) * 1000, 1),
            "p99_ms": round(pct(values, 99) * 1000, 1), "max_ms": round(max(values) * 1000, 1),
            "mean_ms": round(statistics.fmean(values) * 1000, 1)}


_last_at_us = 0


def at_now():
    """A strictly increasing event time (ISO 8601, UTC), so events of one call never tie."""
    global _last_at_us
    us = max(time.time_ns() // 1000, _last_at_us + 1)
    _last_at_us = us
    return datetime.fromtimestamp(us / 1e6, timezone.utc).isoformat(timespec="microseconds")


# ---------------------------------------------------------------------------------------
# recording

class Recorder:
    """Latency per route and per kind of work; errors with the request that caused them."""

    SIGN_IN = " [sign-in]"

    def __init__(self, hour_start=None):
        # Requests sent before the hour (the agents' sign-in, the browsers opening their
        # workspace) are kept apart: their route gets the suffix " [sign-in]" and they are
        # reported but not held to the hour's goals. `hour_start` returns the perf time the
        # hour began, or 0 while it has not.
        self.hour_start = hour_start
        self.lat = collections.defaultdict(list)      # route -> [s]
        self.windows = {}                              # 5-s window of the hour -> [requests, slowest s, its route]
        self.kind_of = {}                              # route -> kind
        self.errors = collections.Counter()            # route -> n
        self.samples = []                              # first failing requests
        self.server_errors = []                        # 5xx with request

    def name(self, route, sent):
        if self.hour_start is not None:
            h = self.hour_start()
            if h == 0 or sent < h:
                return route + self.SIGN_IN
        return route

    def window(self, route, sent, dt):
        h = self.hour_start() if self.hour_start else 0
        if h and sent >= h:
            w = self.windows.setdefault(int((sent - h) // 5), [0, 0.0, ""])
            w[0] += 1
            if dt > w[1]:
                w[1], w[2] = dt, route

    def ok(self, route, kind, dt):
        self.window(route, perf() - dt, dt)
        route = self.name(route, perf() - dt)
        self.lat[route].append(dt)
        self.kind_of[route] = kind

    def fail(self, route, kind, dt, status, method, url, body, answer):
        route = self.name(route, perf() - (dt or 0))
        self.kind_of[route] = kind
        if dt is not None:
            self.lat[route].append(dt)
        self.errors[route] += 1
        item = {"route": route, "status": status, "method": method, "url": url,
                "body": (body if isinstance(body, str) else json.dumps(body, ensure_ascii=False) if body is not None else None),
                "answer": (answer or "")[:400]}
        if item["body"] and len(item["body"]) > 600:
            item["body"] = item["body"][:600] + "…"
        if isinstance(status, int) and status >= 500:
            if len(self.server_errors) < 20:
                self.server_errors.append(item)
        if len(self.samples) < 20:
            self.samples.append(item)

    def merge(self, other):
        for r, xs in other["lat"].items():
            self.lat[r].extend(xs)
        self.kind_of.update(other["kind_of"])
        for r, n in other["errors"].items():
            self.errors[r] += n
        for k, (n, worst, route) in other["windows"].items():
            w = self.windows.setdefault(int(k), [0, 0.0, ""])
            w[0] += n
            if worst > w[1]:
                w[1], w[2] = worst, route
        self.samples.extend(other["samples"][:max(0, 20 - len(self.samples))])
        self.server_errors.extend(other["server_errors"][:max(0, 20 - len(self.server_errors))])

    def dump(self):
        return {"lat": dict(self.lat), "kind_of": self.kind_of, "errors": dict(self.errors), "windows": self.windows,
                "samples": self.samples, "server_errors": self.server_errors}


async def request(http, rec, route, kind, method, url, *, json_body=None, data=None, headers=None, expect=(200,), read_json=False):
    """One request, timed from just before it is sent to its last byte. Returns (status, body)."""
    t0 = perf()
    try:
        async with http.request(method, url, json=json_body, data=data, headers=headers, allow_redirects=False) as r:
            text = await r.text()
            dt = perf() - t0
            if r.status not in expect:
                rec.fail(route, kind, dt, r.status, method, url, json_body if json_body is not None else data, text)
                return r.status, None
            rec.ok(route, kind, dt)
            if read_json:
                try:
                    return r.status, json.loads(text)
                except ValueError:
                    rec.fail(route, kind, None, "bad json", method, url, json_body, text)
                    return r.status, None
            return r.status, text
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
        rec.fail(route, kind, None, type(e).__name__, method, url, json_body if json_body is not None else data, repr(e))
        return None, None


# ---------------------------------------------------------------------------------------
# the workspace pollers (own processes: 1,000 browsers' polls are most of the requests)

def _poller(agents, poll_s, t_start, stop, conn, hour):
    asyncio.run(_poller_main(agents, poll_s, t_start, stop, conn, hour))


async def loop_lag_monitor(out, stop_flag, tick=0.05):
    """How late a 50 ms timer fires: this process's event loop being too busy to send on time."""
    while not stop_flag():
        t = perf()
        await asyncio.sleep(tick)
        out.append(max(0.0, perf() - t - tick))


async def _poller_main(agents, poll_s, t_start, stop, conn, hour):
    rec = Recorder(lambda: hour.value)
    reloads = 0
    lag = []  # event-loop lag of this process (client saturation check)
    in_flight_max = [0]
    queued = [0]
    jar = aiohttp.DummyCookieJar()
    connector = aiohttp.TCPConnector(limit=0, force_close=False, keepalive_timeout=60)
    async with aiohttp.ClientSession(cookie_jar=jar, connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as http:
        async def browser(i, base, cookie):
            nonlocal reloads
            h = {"Cookie": f"kefu_session={cookie}", "Accept": "text/html"}
            hj = {"Cookie": f"kefu_session={cookie}", "Accept": "application/json"}
            # The page is opened at a random moment of the first interval, then polls on its own clock.
            first = t_start + random.random() * poll_s
            await asyncio.sleep(max(0, first - perf()))
            await request(http, rec, "GET /workspace", "workspace", "GET", f"{base}/workspace", headers=h)
            state = {"shown": "", "in_flight": 0}
            conns = asyncio.Semaphore(6)   # a browser opens at most 6 connections to one host

            async def poll():
                nonlocal reloads
                state["in_flight"] += 1
                in_flight_max[0] = max(in_flight_max[0], state["in_flight"])
                try:
                    if conns.locked():
                        queued[0] += 1   # the server is behind: this poll waits in the browser
                    async with conns:
                        st, s = await request(http, rec, "GET /workspace/call.json", "workspace", "GET",
                                              f"{base}/workspace/call.json", headers=hj, read_json=True)
                    if s is not None and (s.get("callId") or "") != state["shown"]:
                        # kefu.js: a new call (or its end) reloads the workspace with the screen pop.
                        state["shown"] = s.get("callId") or ""
                        reloads += 1
                        async with conns:
                            await request(http, rec, "GET /workspace", "workspace", "GET", f"{base}/workspace", headers=h)
                finally:
                    state["in_flight"] -= 1

            # setInterval: a poll every poll_s whether or not the previous one has answered
            # (open loop, so a slow server meets the same pile-up a browser would send).
            k = 1
            polls = set()
            while not stop.is_set():
                due = first + k * poll_s
                k += 1
                d = due - perf()
                if d > 0:
                    await asyncio.sleep(d)
                if stop.is_set():
                    break
                t = asyncio.create_task(poll())
                polls.add(t)
                t.add_done_callback(polls.discard)
            if polls:
                await asyncio.wait(list(polls), timeout=30)

        mon = asyncio.create_task(loop_lag_monitor(lag, stop.is_set))
        tasks = [asyncio.create_task(browser(i, b, c)) for i, (b, c) in enumerate(agents)]
        while not stop.is_set():
            await asyncio.sleep(0.1)
        await asyncio.gather(*tasks, mon, return_exceptions=True)
    conn.send((rec.dump(), reloads, lag, time.process_time(), queued[0], in_flight_max[0]))


# ---------------------------------------------------------------------------------------
# the switch: one connector per server process, one batch in flight at a time

class Switch:
    def __init__(self, http, base, token, rec):
        self.http, self.base, self.token, self.rec = http, base, token, rec
        self.pending = []            # (event, lag key or None, t_due)
        self.wake = asyncio.Event()
        self.counts = collections.Counter()   # queue -> answers+abandons handed to this connector
        self.lag_events = []          # (queue, k, t_post)
        self.sent = 0
        self.accepted = 0
        self.duplicates = 0
        self.rejected = 0
        self.queue_delay = []         # event due -> its batch sent
        self.batch_sizes = []
        self.idle = asyncio.Event()
        self.idle.set()

    def send(self, ev, counts_in_queue=None):
        key = None
        if counts_in_queue:
            self.counts[counts_in_queue] += 1
            key = (counts_in_queue, self.counts[counts_in_queue])
        self.pending.append((ev, key, perf()))
        self.idle.clear()
        self.wake.set()

    async def run(self):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.pending:
                batch = self.pending[:500]
                del self.pending[:500]
                body = json.dumps([e for e, _, _ in batch]).encode()
                t0 = perf()
                for e, key, due in batch:
                    self.queue_delay.append(t0 - due)
                    if key:
                        self.lag_events.append((key[0], key[1], t0))
                self.batch_sizes.append(len(batch))
                st, ans = await request(self.http, self.rec, "POST /api/v1/cti/events", "cti", "POST",
                                        f"{self.base}/api/v1/cti/events", data=body, headers=headers, read_json=True)
                self.sent += len(batch)
                if ans is not None:
                    f, d, r = count_status(ans)
                    self.accepted += f
                    self.duplicates += d
                    self.rejected += r
                    if r:
                        bad = [x for x in ans.get("results", []) if x.get("status") == "rejected"][:3]
                        self.rec.fail("POST /api/v1/cti/events", "cti", None, "rejected", "POST", self.base, None, json.dumps(bad, ensure_ascii=False))
            if not self.pending:
                self.idle.set()


# ---------------------------------------------------------------------------------------
# agents and the switch's router

class Agent:
    __slots__ = ("i", "work_id", "token", "cookie", "base", "state", "calls", "orders")

    def __init__(self, i, work_id, token, cookie, base):
        self.i, self.work_id, self.token, self.cookie, self.base = i, work_id, token, cookie, base
        self.state = "logged_out"   # the floor as this driver made it: logged_out, ready, busy, not_ready, acw
        self.calls = 0
        self.orders = []            # (id, number) of orders this agent opened


class Router:
    """Longest-idle ready agent first; callers wait in arrival order."""

    def __init__(self):
        self.ready = collections.deque()
        self.waiters = collections.deque()

    def release(self, agent):
        agent.state = "ready"
        while self.waiters:
            fut = self.waiters.popleft()
            if not fut.done():
                agent.state = "busy"
                fut.set_result(agent)
                return
        self.ready.append(agent)

    def remove(self, agent):
        try:
            self.ready.remove(agent)
            return True
        except ValueError:
            return False

    async def take(self, patience):
        if self.ready:
            a = self.ready.popleft()
            a.state = "busy"
            return a
        fut = asyncio.get_running_loop().create_future()
        self.waiters.append(fut)
        try:
            return await asyncio.wait_for(fut, patience)
        except asyncio.TimeoutError:
            return None


# ---------------------------------------------------------------------------------------
# transcripts for QC (shapes as in shared/formats/transcript.md and DemoContacts)

def transcript(call_id, agent, started_iso, talk_s, held, rng, company="星河通信"):
    lines = []
    t = 0.0

    def say(who, text, pause=0.5):
        nonlocal t
        t += pause
        n = len(text) * 0.25
        lines.append({"speaker": who, "start": round(t, 1), "end": round(t + n, 1), "text": text})
        t += n

    def event(e, by=None, pause=0.0):
        nonlocal t
        t += pause
        s = {"speaker": "system", "start": round(t, 1), "end": round(t, 1), "event": e}
        if by:
            s["by"] = by
        lines.append(s)

    variant = rng.random()
    if variant < 0.85:
        say("agent", f"您好，{company}，很高兴为您服务！", 0)
    else:
        say("agent", "喂，你说。", 0)
    say("customer", f"我的订单号是 A2026{rng.randrange(1000, 9999)}778，想问下什么时候发货")
    say("agent", "请您稍等，正在为您查询。")
    if held:
        event("hold_start", pause=0.5)
        event("hold_end", pause=rng.uniform(10, 40))
        say("agent", "感谢您的耐心等待，您的订单今天下午发出。")
    else:
        say("agent", "您的订单今天下午发出。")
    if variant > 0.93:
        say("agent", "知道了，知道了，不要再讲了。")
    say("customer", "好的谢谢")
    say("agent", "不客气。请问还有什么可以帮您？")
    say("customer", "没有了")
    say("agent", "请不要挂机，稍后对我的服务进行评价，谢谢，再见！")
    event("hangup", by="customer" if variant < 0.97 else "agent", pause=max(1.5, talk_s - t))
    return {"id": f"qc-{call_id}", "startedAt": started_iso, "channel": "phone", "agentId": agent, "segments": lines}


# ---------------------------------------------------------------------------------------
# resources of the server processes

def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return (int(parts[11]) + int(parts[12])) / tck   # utime + stime (fields 14, 15)


def machine_cpu():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


def proc_mem_kb(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


# ---------------------------------------------------------------------------------------

class Center:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.t_hour = 0.0
        self.rec = Recorder(lambda: self.t_hour)
        self.bases = a.base
        self.speed = a.speed
        self.counters = collections.Counter()
        self.model_queue = collections.defaultdict(lambda: {"answered": 0, "abandoned": 0})
        self.tasks = set()
        self.stopping = False
        self.stop_event = None

    async def nap(self, seconds):
        """Sleeps; True when woken because the hour is over."""
        try:
            await asyncio.wait_for(self.stop_event.wait(), seconds)
            return True
        except asyncio.TimeoutError:
            return False

    def floor(self, seconds):
        """Floor seconds -> real seconds."""
        return seconds / self.speed

    def spawn(self, coro):
        t = asyncio.create_task(coro)
        self.tasks.add(t)
        t.add_done_callback(self.tasks.discard)
        return t

    # -- setup ---------------------------------------------------------------------------
    async def setup(self, http):
        a = self.a
        b0 = self.bases[0]

        async def token(work_id):
            async with http.post(f"{b0}/api/v1/session", json={"workId": work_id, "password": a.password}) as r:
                if r.status != 200:
                    raise BenchError(f"POST /api/v1/session {work_id} -> {r.status}: {(await r.text())[:300]}")
                return (await r.json())["token"]

        self.template_token = await token(a.template_agent)
        self.lead_token = await token(a.lead)
        self.qc_token = await token(a.qc)
        self.lead_cookie = await login_cookie(b0, a.lead, a.password)
        template_cookie = await login_cookie(b0, a.template_agent, a.password)
        # The page session as a browser leaves it after opening the workspace (CSRF token set).
        async with http.get(f"{b0}/workspace", headers={"Cookie": f"kefu_session={template_cookie}"}) as r:
            html = await r.text()
            if r.status != 200:
                raise BenchError(f"GET /workspace (template agent) -> {r.status}")
        m = re.search(r'name="_csrf" value="([^"]+)"', html)
        if not m:
            raise BenchError("no _csrf on the workspace page")
        self.csrf = m.group(1)
        auth = {"Authorization": f"Bearer {self.template_token}"}
        async with http.post(f"{b0}/api/v1/customers", json={"name": "模板客户", "phone": "13900000000"}, headers=auth) as r:
            if r.status not in (200, 201):
                raise BenchError(f"POST /api/v1/customers -> {r.status}: {(await r.text())[:300]}")
            cust = await r.json()
        db = seed.DB(a.db_url)
        self.db = db
        t0 = perf()
        rows = seed.seed_agents(db, a.template_agent, a.first_agent, a.agents, self.template_token, template_cookie)
        self.agents = [Agent(i, w, t, c, self.bases[i % len(self.bases)]) for i, (w, t, c) in enumerate(rows)]
        self.n_calls = max(1, round(a.calls_per_agent_hour * a.agents * a.seconds * a.speed / 3600))
        n_customers = max(100, int(self.n_calls * 0.9))
        phone = lambda i: f"139{10000000 + i:08d}"[-11:]
        stored_phone = cust.get("phone", "13900000000")
        if stored_phone != "13900000000":
            raise BenchError(f"customer phones are stored as {stored_phone!r}; seed.py writes plain digits")
        self.customer_ids = seed.seed_customers(db, cust["id"], n_customers, phone)
        self.customer_phones = [phone(i) for i in range(n_customers)]
        self.seed_seconds = perf() - t0
        # Orders the SLA sweeper will escalate during the hour (see seed.arm_sla_probes).
        self.probe_ids = []
        for j in range(a.sla_probes):
            async with http.post(f"{b0}/api/v1/work-orders", headers=auth,
                                 json={"type": "query", "channel": "phone", "subject": f"时限探针 {j}", "description": "压测：时限升级探针",
                                       "customerId": cust["id"]}) as r:
                if r.status != 201:
                    raise BenchError(f"probe order -> {r.status}: {(await r.text())[:300]}")
                self.probe_ids.append((await r.json())["id"])
        print(f"  seeded {a.agents} agents (tokens + page sessions), {n_customers} customers, "
              f"{a.sla_probes} SLA probes in {self.seed_seconds:.1f} s", flush=True)

    def arm_probes(self, t_hour_start_wall):
        a = self.a
        if not self.probe_ids:
            self.probe_created = {}
            return
        target = max(20.0, 0.3 * a.seconds)
        first = t_hour_start_wall + 5
        spacing = (0.6 * a.seconds) / len(self.probe_ids)
        self.probe_target = target
        self.probe_created = seed.arm_sla_probes(self.db, self.probe_ids, first, spacing, target)

    # -- the floor -----------------------------------------------------------------------
    def switch_for(self, queue):
        names = [q for q, _ in QUEUES]
        return self.switches[names.index(queue) % len(self.switches)]

    def cti(self, queue, ev, counts=False):
        self.switch_for(queue).send(ev, queue if counts else None)

    def page_headers(self, agent):
        return {"Cookie": f"kefu_session={agent.cookie}"}

    async def seat(self, http, agent, action, reason=None):
        """A seat button on the workspace: the form post, then the page it redirects to."""
        form = {"_csrf": self.csrf, "action": action}
        if reason:
            form["reason"] = reason
        st, _ = await request(http, self.rec, f"POST /workspace/seat {action}", "seat", "POST", f"{agent.base}/workspace/seat",
                              data=form, headers=self.page_headers(agent), expect=(303,))
        await request(http, self.rec, "GET /workspace", "workspace", "GET", f"{agent.base}/workspace",
                      headers={**self.page_headers(agent), "Accept": "text/html"})
        self.counters[f"seat_{action}"] += 1
        return st == 303

    async def call(self, http, k):
        a, rng = self.a, self.rng
        queue = pick(QUEUES, rng)
        call_id = f"{self.run_id}-c{k}"
        known = rng.random() < 0.9
        ci = rng.randrange(len(self.customer_phones))
        caller = self.customer_phones[ci] if known else f"137{rng.randrange(10**8):08d}"
        self.counters["calls"] += 1
        self.cti(queue, {"id": f"{call_id}-enq", "type": "enqueued", "at": at_now(), "callId": call_id, "queue": queue, "caller": caller})
        patience = rng.uniform(30, 120)           # floor seconds a caller will wait at most
        if rng.random() < a.abandon_share:
            await asyncio.sleep(self.floor(rng.uniform(5, 40)))
            self.abandon(queue, call_id)
            return
        await asyncio.sleep(self.floor(rng.uniform(2, 12)))   # announcements before routing
        agent = await self.router.take(self.floor(patience))
        if agent is None:
            self.abandon(queue, call_id)
            return
        agent.calls += 1
        self.cti(queue, {"id": f"{call_id}-off", "type": "offered", "at": at_now(), "callId": call_id, "agentWorkId": agent.work_id})
        await asyncio.sleep(self.floor(rng.uniform(2, 6)))
        started = at_now()
        self.cti(queue, {"id": f"{call_id}-ans", "type": "answered", "at": started, "callId": call_id, "agentWorkId": agent.work_id}, counts=True)
        self.model_queue[queue]["answered"] += 1
        self.counters["answered"] += 1
        talk = rng.uniform(120, 420)
        held = rng.random() < 0.3
        order = None
        auth = {"Authorization": f"Bearer {agent.token}"}
        base = agent.base
        api = f"{base}/api/v1/work-orders"
        # During the talk: the caller's open orders (screen pop has them; the agent opens the list).
        if known:
            await request(http, self.rec, "GET /api/v1/work-orders?customerId", "order_read", "GET",
                          f"{api}?customerId={self.customer_ids[ci]}&limit=20", headers=auth)
        if rng.random() < 0.1 and self.recent_numbers:
            n = rng.choice(self.recent_numbers)
            await request(http, self.rec, "GET /api/v1/work-orders?q", "order_read", "GET", f"{api}?q={n}&limit=20", headers=auth)
        t_talk_end = perf() + self.floor(talk)
        if held:
            await asyncio.sleep(max(0, self.floor(talk * rng.uniform(0.2, 0.5))))
            self.cti(queue, {"id": f"{call_id}-hold", "type": "hold", "at": at_now(), "callId": call_id, "agentWorkId": agent.work_id})
            h = rng.uniform(15, 45)
            await asyncio.sleep(self.floor(h))
            t_talk_end += self.floor(h)
            self.cti(queue, {"id": f"{call_id}-unhold", "type": "unhold", "at": at_now(), "callId": call_id, "agentWorkId": agent.work_id})
        if rng.random() < a.order_share:
            await asyncio.sleep(max(0, (t_talk_end - perf()) * rng.uniform(0.2, 0.6)))
            t = pick(ORDER_TYPES, rng)
            body = {"type": t, "channel": "phone", "subject": f"{['咨询', '查询', '投诉', '业务', '建议'][rng.randrange(5)]}：来电 {caller[-4:]}",
                    "description": "客户来电反映问题，已记录，待处理。", "priority": "normal"}
            if known:
                body["customerId"] = self.customer_ids[ci]
            else:
                body["customer"] = {"name": f"来电客户{caller[-4:]}", "phone": caller}
            st, o = await request(http, self.rec, "POST /api/v1/work-orders", "order_write", "POST", api, json_body=body,
                                  headers=auth, expect=(201,), read_json=True)
            if o:
                order = o
                self.counters["orders_created"] += 1
                self.recent_numbers.append(o["number"])
                if len(self.recent_numbers) > 500:
                    del self.recent_numbers[:100]
                await request(http, self.rec, "GET /api/v1/work-orders?ownerWorkId&status", "order_read", "GET",
                              f"{api}?ownerWorkId={agent.work_id}&status=open&limit=20", headers=auth)
        await asyncio.sleep(max(0, t_talk_end - perf()))
        ended = perf()
        self.cti(queue, {"id": f"{call_id}-end", "type": "completed", "at": at_now(), "callId": call_id, "agentWorkId": agent.work_id})
        self.cti(queue, {"id": f"{call_id}-acw", "type": "wrap_up", "at": at_now(), "agentWorkId": agent.work_id})
        self.counters["completed"] += 1
        agent.state = "acw"
        # The recorder hands the finished call to QC scoring.
        self.spawn(self.qc(http, call_id, agent, started, talk, held))
        acw = rng.uniform(15, 45)
        if order:
            # After-call work: the order is updated (resolved on the spot, or more detail, or priority).
            r = rng.random()
            patch = {"status": "resolved"} if r < 0.5 else {"description": "客户来电反映问题，已记录。补充：已电话核实。"} if r < 0.8 else {"priority": "high"}
            await request(http, self.rec, "PATCH /api/v1/work-orders/{id}", "order_write", "PATCH", f"{api}/{order['id']}",
                          json_body=patch, headers=auth, read_json=False)
            self.counters["orders_updated"] += 1
        await asyncio.sleep(max(0, ended + self.floor(acw) - perf()))
        if await self.seat(http, agent, "ready"):
            self.router.release(agent)
        else:
            agent.state = "stuck"
            self.counters["agents_stuck"] += 1

    def abandon(self, queue, call_id):
        self.cti(queue, {"id": f"{call_id}-abn", "type": "abandoned", "at": at_now(), "callId": call_id}, counts=True)
        self.model_queue[queue]["abandoned"] += 1
        self.counters["abandoned"] += 1

    async def qc(self, http, call_id, agent, started, talk, held):
        await asyncio.sleep(self.floor(self.rng.uniform(5, 30)))
        body = transcript(call_id, agent.work_id, started, talk, held, self.rng)
        base = self.bases[self.counters["qc"] % len(self.bases)]
        self.counters["qc"] += 1
        st, c = await request(http, self.rec, "POST /api/v1/qa/contacts", "qc", "POST", f"{base}/api/v1/qa/contacts", json_body=body,
                              headers={"Authorization": f"Bearer {self.qc_token}"}, expect=(201,), read_json=True)
        if c is not None:
            self.counters["qc_scored"] += 1

    async def breaks(self, http, t_end):
        """Not-ready breaks (about one per agent per floor hour) and a few sign-out/sign-in
        shift changes, taken by idle ready agents."""
        a, rng = self.a, self.rng
        rate = a.agents * 1.0 / (a.seconds)         # breaks per real second
        while perf() < t_end and not self.stopping:
            await asyncio.sleep(rng.expovariate(rate))
            if not self.router.ready or perf() >= t_end:
                continue
            agent = self.router.ready[rng.randrange(len(self.router.ready))]
            self.router.remove(agent)
            self.spawn(self.take_break(http, agent, rng.random() < 0.1))

    async def take_break(self, http, agent, sign_out):
        rng = self.rng
        if sign_out:
            agent.state = "logged_out"
            await self.seat(http, agent, "logout")
            if await self.nap(self.floor(rng.uniform(60, 300))):
                return   # the hour is over: the agent stays signed out (no burst of sign-ins)
            ok = await self.seat(http, agent, "login")
        else:
            agent.state = "not_ready"
            await self.seat(http, agent, "not_ready", rng.choice(NOT_READY_REASONS))
            if await self.nap(self.floor(rng.uniform(120, 600))):
                return   # the hour is over: the break goes on past it
            ok = await self.seat(http, agent, "ready")
        if ok:
            self.router.release(agent)
        else:
            agent.state = "stuck"
            self.counters["agents_stuck"] += 1

    async def lead_lists(self, http, t_end):
        """Team leads' order lists: open orders, newest first, every 5 real seconds each."""
        auth = {"Authorization": f"Bearer {self.lead_token}"}
        n = max(1, self.a.agents // 100)
        async def one(i):
            await asyncio.sleep(self.rng.random() * 5)
            while perf() < t_end and not self.stopping:
                base = self.bases[i % len(self.bases)]
                status = ["open", "pending_customer", "resolved", ""][i % 4]
                url = f"{base}/api/v1/work-orders?limit=50" + (f"&status={status}" if status else "")
                await request(http, self.rec, "GET /api/v1/work-orders?status (lead)", "order_read", "GET", url, headers=auth)
                await asyncio.sleep(5)
        await asyncio.gather(*(one(i) for i in range(n)))

    async def live_sampler(self, http, t_end):
        auth = {"Authorization": f"Bearer {self.lead_token}"}
        while perf() < t_end and not self.stopping:
            for b in self.bases:
                await request(http, self.rec, "GET /api/v1/live", "live", "GET", f"{b}/api/v1/live", headers=auth)
            await asyncio.sleep(2)

    async def resources(self, pids, t_end):
        self.rss_max = {p: 0 for p in pids}
        while perf() < t_end and not self.stopping:
            for p in pids:
                try:
                    self.rss_max[p] = max(self.rss_max[p], proc_mem_kb(p).get("VmRSS", 0))
                except OSError:
                    pass
            await asyncio.sleep(1)

    async def live_state(self, http):
        out = []
        for b in self.bases:
            async with http.get(f"{b}/api/v1/live", headers={"Authorization": f"Bearer {self.lead_token}"}) as r:
                out.append(await r.json() if r.status == 200 else {"error": r.status})
        return out

    # -- the run -------------------------------------------------------------------------
    async def run(self):
        a = self.a
        self.run_id = "h" + os.urandom(3).hex()
        self.recent_numbers = []
        result = {"label": a.label, "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "params": {k: v for k, v in vars(a).items() if k not in ("password", "cti_token")}}
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=60)
        async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                         timeout=aiohttp.ClientTimeout(total=120)) as http:
            print(f"[{a.label}] setup ...", flush=True)
            await self.setup(http)
            self.router = Router()
            self.stop_event = asyncio.Event()
            self.switches = [Switch(http, b, a.cti_token, self.rec) for b in self.bases]
            sw_tasks = [asyncio.create_task(s.run()) for s in self.switches]

            print(f"[{a.label}] {a.wallboards} wallboards ...", flush=True)
            pool = WallboardPool(self.bases, self.lead_cookie, a.wallboards, a.wallboard_procs, [q for q, _ in QUEUES])
            connect_s, ready_s = await pool.open()

            # The browsers: every agent's workspace, polling from now on.
            ctx = mp.get_context("spawn")
            stop_polls = ctx.Event()
            hour_value = ctx.Value("d", 0.0, lock=False)
            t_browsers = perf() + 0.5
            pollers = []
            n_p = max(1, min(a.poll_procs, a.agents))
            for w in range(n_p):
                mine, theirs = ctx.Pipe()
                sl = [(ag.base, ag.cookie) for ag in self.agents[w::n_p]]
                p = ctx.Process(target=_poller, args=(sl, a.poll_seconds, t_browsers, stop_polls, theirs, hour_value), daemon=True)
                p.start()
                pollers.append((p, mine))

            # Sign-in: agents arrive at their seats over --signin-seconds.
            print(f"[{a.label}] {a.agents} agents sign in over {a.signin_seconds} s ...", flush=True)
            t_hour = perf() + a.signin_seconds
            self.arm_probes(time.time() + a.signin_seconds)
            wall0 = perf()

            async def sign_in(agent, delay):
                await asyncio.sleep(delay)
                if await self.seat(http, agent, "login"):
                    self.router.release(agent)
                else:
                    agent.state = "stuck"
                    self.counters["agents_stuck"] += 1
            order = list(self.agents)
            self.rng.shuffle(order)
            signins = [asyncio.create_task(sign_in(ag, i * a.signin_seconds / len(order))) for i, ag in enumerate(order)]
            await asyncio.gather(*signins)
            signin_s = perf() - wall0
            await asyncio.sleep(max(0, t_hour - perf()))
            t_hour = perf()   # later than planned when the sign-ins took longer
            self.t_hour = t_hour
            hour_value.value = t_hour

            # The hour.
            t_end = t_hour + a.seconds
            print(f"[{a.label}] the hour: {self.n_calls} calls in {a.seconds} s (x{a.speed}) ...", flush=True)
            cpu_h0 = {p: proc_cpu_seconds(p) for p in a.pid}
            mach0 = machine_cpu()
            aux = [asyncio.create_task(x) for x in (self.breaks(http, t_end), self.lead_lists(http, t_end),
                                                     self.live_sampler(http, t_end), self.resources(a.pid, t_end + a.drain_seconds))]
            driver_lag = []
            aux.append(asyncio.create_task(loop_lag_monitor(driver_lag, lambda: self.stopping)))
            calls = []
            arrivals = sorted(self.rng.uniform(0, a.seconds) for _ in range(self.n_calls))
            loop_lag = []
            for k, off in enumerate(arrivals):
                due = t_hour + off
                d = due - perf()
                if d > 0:
                    await asyncio.sleep(d)
                loop_lag.append(perf() - due)
                calls.append(self.spawn(self.call(http, k)))
                if k % max(1, self.n_calls // 10) == 0 and k:
                    print(f"  {k} calls, {self.counters['answered']} answered, {self.counters['abandoned']} abandoned, "
                          f"{self.counters['orders_created']} orders, {self.counters['qc_scored']} scored", flush=True)
            await asyncio.sleep(max(0, t_end - perf()))
            cpu_hend = {p: proc_cpu_seconds(p) for p in a.pid}
            mach1 = machine_cpu()
            wall_hour_only = perf() - t_hour
            self.stopping = True
            self.stop_event.set()
            # Drain: calls in progress finish, breaks end, QC catches up.
            t_drain = perf()
            print(f"[{a.label}] draining (<= {a.drain_seconds} s) ...", flush=True)
            not_done = set()
            self.drained = True
            while self.tasks and perf() - t_drain < a.drain_seconds:
                # Tasks spawned meanwhile (QC of the last calls) are waited for too.
                _, not_done = await asyncio.wait(list(self.tasks), timeout=max(0.1, a.drain_seconds - (perf() - t_drain)))
            # Whatever did not finish in time is stopped, so the driver's floor stands still
            # while it is compared with the server's.
            if self.tasks:
                self.drained = False
            for t in list(self.tasks):
                t.cancel()
            if self.tasks:
                await asyncio.wait(list(self.tasks), timeout=10)
            await asyncio.wait_for(asyncio.gather(*(s.idle.wait() for s in self.switches)), 60)
            drain_s = perf() - t_drain
            cpu_h1 = {p: proc_cpu_seconds(p) for p in a.pid}
            wall_h = perf() - t_hour
            for t in aux:
                t.cancel()
            await asyncio.gather(*aux, return_exceptions=True)
            await asyncio.sleep(1.5)   # let the last broadcasts out
            model_states = collections.Counter(ag.state for ag in self.agents)
            finals = await self.live_state(http)

            # Stop the browsers and the screens.
            stop_polls.set()
            poll_reloads, poll_lag, poll_cpu = 0, [], 0.0
            polls_queued, polls_in_flight_max = 0, 0
            for p, conn in pollers:
                t0 = perf()
                while not conn.poll():
                    if perf() - t0 > 120:
                        raise BenchError("a poller process did not answer")
                    await asyncio.sleep(0.05)
                d, rl, lg, c, qd, mx = conn.recv()
                polls_queued += qd
                polls_in_flight_max = max(polls_in_flight_max, mx)
                self.rec.merge(d)
                poll_reloads += rl
                poll_lag.extend(lg)
                poll_cpu += c
                p.join(10)
            lag_events = [e for s in self.switches for e in s.lag_events]
            wb = await pool.finish(lag_events)
            for t in sw_tasks:
                t.cancel()
            await asyncio.gather(*sw_tasks, return_exceptions=True)
            firings = seed.sla_firings(self.db, self.probe_ids)

        mem = {}
        for p in a.pid:
            try:
                mem[p] = proc_mem_kb(p)
            except OSError:
                mem[p] = {}
        # ---- results -------------------------------------------------------------------
        routes = {}
        for r, xs in sorted(self.rec.lat.items()):
            routes[r] = {"kind": self.rec.kind_of.get(r), **summary_ms(xs), "errors": self.rec.errors.get(r, 0)}
        for r, n in self.rec.errors.items():
            if r not in routes:
                routes[r] = {"kind": self.rec.kind_of.get(r), "n": 0, "errors": n}
        kinds = collections.defaultdict(list)
        for r, xs in self.rec.lat.items():
            kinds["sign-in" if r.endswith(Recorder.SIGN_IN) else self.rec.kind_of.get(r)].extend(xs)
        result["routes"] = routes
        # When were requests slow? All routes slow in the same 5 s = a stall of the server
        # (or of the machine), not of one route.
        result["windows"] = [{"from_s": k * 5, "requests": v[0], "slowest_ms": round(v[1] * 1000, 1), "slowest_route": v[2]}
                             for k, v in sorted(self.rec.windows.items())]
        result["kinds"] = {k: summary_ms(v) for k, v in sorted(kinds.items())}
        result["wallboard"] = {"screens": a.wallboards, "connect_s": round(connect_s, 2), "lag": summary_ms(wb["lags"]),
                               "deliveries_expected": len(lag_events) * a.wallboards, "missed": wb["missed"], "frames": wb["frames"],
                               "frames_per_screen_per_s": round(wb["frames"] / max(1, a.wallboards) / max(1e-9, wall_h), 1),
                               "closed_during_run": len(wb["closed"]), "bad_frames": wb["bad_frames"],
                               "client_cpu_s": round(wb["client_cpu_s"], 1)}
        sw = {"events_sent": sum(s.sent for s in self.switches), "accepted": sum(s.accepted for s in self.switches),
              "duplicates": sum(s.duplicates for s in self.switches), "rejected": sum(s.rejected for s in self.switches),
              "batches": sum(len(s.batch_sizes) for s in self.switches),
              "batch_size_mean": round(statistics.fmean([x for s in self.switches for x in s.batch_sizes] or [0]), 1),
              "queue_delay": summary_ms([x for s in self.switches for x in s.queue_delay])}
        result["cti"] = sw
        # Folded? The floor as the server shows it vs as the driver made it.
        fold = []
        for b, snap in zip(self.bases, finals):
            if "error" in snap:
                fold.append({"base": b, "error": snap["error"]})
                continue
            qs = {q["queue"]: q for q in snap.get("queues", [])}
            mism = []
            for q, m in self.model_queue.items():
                got = qs.get(q, {})
                for f in ("answered", "abandoned"):
                    if got.get(f, 0) != m[f]:
                        mism.append(f"{q}.{f}: server {got.get(f, 0)} sent {m[f]}")
            by_state = snap.get("agentsByState", {})
            if not self.drained:
                # Seat requests were cut off in flight: the driver cannot know their outcome.
                fold.append({"base": b, "answeredToday": snap.get("answeredToday"), "abandonedToday": snap.get("abandonedToday"),
                             "waiting": snap.get("waiting"), "agentsByState": by_state, "mismatches": mism,
                             "note": "agents not compared: the drain did not finish"})
                continue
            names = {"ready": "Available", "not_ready": "NotReady", "acw": "AfterContactWork", "logged_out": "LoggedOut"}
            for m, srv in names.items():
                if by_state.get(srv, 0) != model_states.get(m, 0):
                    mism.append(f"agents {srv}: server {by_state.get(srv, 0)} driver {model_states.get(m, 0)}")
            on_call = sum(by_state.get(k, 0) for k in ("OnContact", "OnHold", "Reserved"))
            if on_call != model_states.get("busy", 0):
                mism.append(f"agents on a call: server {on_call} driver {model_states.get('busy', 0)}")
            fold.append({"base": b, "answeredToday": snap.get("answeredToday"), "abandonedToday": snap.get("abandonedToday"),
                         "waiting": snap.get("waiting"), "agentsByState": by_state, "mismatches": mism})
        result["fold"] = {"sent": {"answered": self.counters["answered"], "abandoned": self.counters["abandoned"],
                                   "waiting": 0, "agents_by_state": dict(model_states)},
                          "server": fold,
                          "ok": all(not f.get("mismatches") and f.get("waiting") == 0 and "error" not in f for f in fold)
                                and sw["rejected"] == 0 and sw["accepted"] == sw["events_sent"]}
        # The SLA sweeper (and, in the same loop, the emergency engine): lateness of each escalation.
        late = []
        expected = 0
        if self.probe_ids:
            for oid in self.probe_ids:
                c = self.probe_created[oid]
                for p in (80, 100, 150):
                    if c + self.probe_target * p / 100 <= time.time() - 1:
                        expected += 1
            for oid, p, fired in firings:
                c = self.probe_created.get(oid) or self.probe_created.get(oid.upper())
                if c is None:
                    continue
                late.append(fired - (c + self.probe_target * p / 100))
        result["sla_sweeper"] = {"probes": len(self.probe_ids), "escalations_due": expected, "fired": len(late),
                                 "lateness": summary_ms([max(0, x) for x in late]),
                                 "interval_s": a.sweep_interval}
        cpu = {}
        for p in a.pid:
            used = cpu_h1[p] - cpu_h0[p]
            in_hour = cpu_hend[p] - cpu_h0[p]
            cpu[str(p)] = {"cpu_s": round(used, 1), "cores": round(used / wall_h, 2),
                           "cpu_hour_s": round(in_hour, 1), "cores_hour": round(in_hour / wall_hour_only, 2),
                           "rss_mb": round(mem[p].get("VmRSS", 0) / 1024, 1), "hwm_mb": round(mem[p].get("VmHWM", 0) / 1024, 1),
                           "rss_max_sampled_mb": round(self.rss_max.get(p, 0) / 1024, 1)}
        result["server"] = cpu
        tck = os.sysconf("SC_CLK_TCK")
        busy = (mach1[0] - mach0[0]) / tck / wall_hour_only
        servers = sum(cpu_hend[p] - cpu_h0[p] for p in a.pid) / wall_hour_only
        result["machine"] = {"cores": os.cpu_count(), "busy_cores_hour": round(busy, 2), "servers_cores_hour": round(servers, 2),
                             "loadavg_end": open("/proc/loadavg").read().split()[:3]}
        result["hour"] = {"wall_s": round(wall_h, 1), "drain_s": round(drain_s, 1), "calls_planned": self.n_calls,
                          "tasks_left_after_drain": len(not_done), "drained": self.drained, "signin_s": round(signin_s, 1), **{k: v for k, v in sorted(self.counters.items())},
                          "workspace_reloads": poll_reloads, "polls_queued_in_browser": polls_queued,
                          "polls_in_flight_max_per_browser": polls_in_flight_max, "poller_loop_lag": summary_ms(poll_lag),
                          "driver_loop_lag": summary_ms(driver_lag),
                          "arrival_schedule_lag": summary_ms([max(0, x) for x in loop_lag]),
                          "driver_cpu_s": round(time.process_time(), 1), "poller_cpu_s": round(poll_cpu, 1)}
        result["errors"] = {"total": sum(self.rec.errors.values()), "samples": self.rec.samples[:10],
                            "server_errors": self.rec.server_errors}
        result["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return result


# ---------------------------------------------------------------------------------------
# reporting

def goals(r):
    hour = {k: v for k, v in r["routes"].items() if not k.endswith(Recorder.SIGN_IN)}
    worst = max(((v.get("p99_ms") or 0), k) for k, v in hour.items()) if hour else (0, "-")
    lag = r["wallboard"]["lag"].get("p99_ms")
    hwm = max((v["hwm_mb"] for v in r["server"].values()), default=0)
    late = r["sla_sweeper"]["lateness"].get("max_ms")
    sweep_ok = r["sla_sweeper"]["fired"] >= r["sla_sweeper"]["escalations_due"] and (late is None or late <= (r["sla_sweeper"]["interval_s"] + 2) * 1000)
    return [
        ("route_p99_ms", worst[0], 100, worst[0] < 100, f"worst: {worst[1]}; the hour, sign-in excluded"),
        ("wallboard_lag_p99_ms", lag, 100, lag is not None and lag < 100 and r["wallboard"]["missed"] == 0, f"missed={r['wallboard']['missed']}"),
        ("rss_mb", hwm, 300, hwm < 300, "VmHWM, largest process"),
        ("errors", r["errors"]["total"], 0, r["errors"]["total"] == 0, "non-2xx/3xx answers, socket errors, rejected events"),
        ("events_folded", "yes" if r["fold"]["ok"] else "NO", "yes", r["fold"]["ok"], "live state matches what was sent"),
        ("drained", "yes" if r["hour"]["drained"] else "NO", "yes", r["hour"]["drained"],
         f"all calls, breaks and QC finished within the drain ({r['hour']['tasks_left_after_drain']} left)"),
        ("sla_sweeper_on_time", late, (r["sla_sweeper"]["interval_s"] + 2) * 1000, sweep_ok,
         f"fired {r['sla_sweeper']['fired']}/{r['sla_sweeper']['escalations_due']} due"),
    ]


def print_lines(r, db):
    out = []
    for route, v in r["routes"].items():
        out.append(f"center db={db} route={route.replace(' ', '_')} kind={v['kind']} n={v.get('n', 0)} p50_ms={v.get('p50_ms')} "
                   f"p99_ms={v.get('p99_ms')} max_ms={v.get('max_ms')} errors={v['errors']}")
    for k, v in r["kinds"].items():
        out.append(f"center db={db} kind={k} n={v.get('n', 0)} p50_ms={v.get('p50_ms')} p99_ms={v.get('p99_ms')} max_ms={v.get('max_ms')}")
    w = r["wallboard"]
    out.append(f"center db={db} wallboard screens={w['screens']} deliveries={w['lag'].get('n', 0)} missed={w['missed']} "
               f"lag_p50_ms={w['lag'].get('p50_ms')} lag_p99_ms={w['lag'].get('p99_ms')} lag_max_ms={w['lag'].get('max_ms')} "
               f"frames_per_screen_per_s={w['frames_per_screen_per_s']}")
    for pid, v in r["server"].items():
        out.append(f"center db={db} server pid={pid} cpu_s={v['cpu_s']} cores={v['cores']} cores_hour={v['cores_hour']} "
                   f"rss_mb={v['rss_mb']} hwm_mb={v['hwm_mb']} rss_max_sampled_mb={v['rss_max_sampled_mb']}")
    c = r["cti"]
    out.append(f"center db={db} cti events_sent={c['events_sent']} accepted={c['accepted']} duplicates={c['duplicates']} "
               f"rejected={c['rejected']} batches={c['batches']} batch_mean={c['batch_size_mean']} "
               f"switch_queue_p99_ms={c['queue_delay'].get('p99_ms')}")
    s = r["sla_sweeper"]
    out.append(f"center db={db} sla_sweeper probes={s['probes']} due={s['escalations_due']} fired={s['fired']} "
               f"late_p50_ms={s['lateness'].get('p50_ms')} late_max_ms={s['lateness'].get('max_ms')} interval_s={s['interval_s']}")
    h = r["hour"]
    out.append(f"center db={db} hour wall_s={h['wall_s']} calls={h.get('calls', 0)} answered={h.get('answered', 0)} "
               f"abandoned={h.get('abandoned', 0)} orders_created={h.get('orders_created', 0)} orders_updated={h.get('orders_updated', 0)} "
               f"qc_scored={h.get('qc_scored', 0)} reloads={h['workspace_reloads']} drain_s={h['drain_s']} "
               f"driver_cpu_s={h['driver_cpu_s']} poller_cpu_s={h['poller_cpu_s']}")
    m = r.get("machine", {})
    out.append(f"center db={db} machine cores={m.get('cores')} busy_cores_hour={m.get('busy_cores_hour')} "
               f"servers_cores_hour={m.get('servers_cores_hour')} loadavg={','.join(m.get('loadavg_end', []))}")
    ws = r.get("windows", [])
    out.append(f"center db={db} windows n={len(ws)} with_request_over_100ms={sum(1 for x in ws if x['slowest_ms'] >= 100)}")
    for name, value, limit, ok, note in goals(r):
        out.append(f"center db={db} goal={name} value={value} limit={limit} {'PASS' if ok else 'FAIL'} ({note})")
    return out


def markdown(r, db):
    L = [f"### {db}, {len(r['params']['base'])} server process(es)", "",
         f"{r['started']} → {r['finished']}; {r['params']['agents']} agents, {r['hour']['calls_planned']} calls in "
         f"{r['params']['seconds']} s (×{r['params']['speed']}), {r['params']['wallboards']} wallboards, "
         f"workspace poll every {r['params']['poll_seconds']} s, {len(r['params']['base'])} server process(es).", "",
         "| goal | value | limit | |", "|---|---:|---:|---|"]
    for name, value, limit, ok, note in goals(r):
        L.append(f"| {name} | {value} | {limit} | **{'PASS' if ok else 'FAIL'}** {note} |")
    L += ["", "| route | kind | n | p50 ms | p99 ms | max ms | errors |", "|---|---|---:|---:|---:|---:|---:|"]
    for route, v in r["routes"].items():
        L.append(f"| `{route}` | {v['kind']} | {v.get('n', 0)} | {v.get('p50_ms')} | {v.get('p99_ms')} | {v.get('max_ms')} | {v['errors']} |")
    L += ["", "| kind of work | n | p50 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|"]
    for k, v in r["kinds"].items():
        L.append(f"| {k} | {v.get('n', 0)} | {v.get('p50_ms')} | {v.get('p99_ms')} | {v.get('max_ms')} |")
    w, c, s, h = r["wallboard"], r["cti"], r["sla_sweeper"], r["hour"]
    L += ["", "| | |", "|---|---|",
          f"| wallboard lag (event POST → frame showing it), {w['lag'].get('n', 0)} deliveries | p50 {w['lag'].get('p50_ms')} / p99 {w['lag'].get('p99_ms')} / max {w['lag'].get('max_ms')} ms, missed {w['missed']}, {w['frames_per_screen_per_s']} frames/screen/s |",
          f"| CTI events sent / accepted / dup / rejected | {c['events_sent']} / {c['accepted']} / {c['duplicates']} / {c['rejected']} in {c['batches']} batches (mean {c['batch_size_mean']}) |",
          f"| switch queue (event due → its batch sent) | p99 {c['queue_delay'].get('p99_ms')} ms |",
          f"| folded (live state = sent) | {'yes' if r['fold']['ok'] else 'NO'}: sent answered {r['fold']['sent']['answered']}, abandoned {r['fold']['sent']['abandoned']}; server " +
          "; ".join(f"answered {f.get('answeredToday')}, abandoned {f.get('abandonedToday')}, waiting {f.get('waiting')}" + (f", mismatches {f['mismatches']}" if f.get('mismatches') else "") for f in r['fold']['server']) + " |",
          f"| SLA sweeper (probe escalations) | {s['fired']}/{s['escalations_due']} fired, lateness p50 {s['lateness'].get('p50_ms')} / max {s['lateness'].get('max_ms')} ms (interval {s['interval_s']} s) |",
          f"| calls / answered / abandoned | {h.get('calls', 0)} / {h.get('answered', 0)} / {h.get('abandoned', 0)} |",
          f"| orders created / updated, QC scored | {h.get('orders_created', 0)} / {h.get('orders_updated', 0)}, {h.get('qc_scored', 0)} |",
          f"| workspace reloads (call changed) | {h['workspace_reloads']}; polls that waited for one of the browser's 6 connections: {h['polls_queued_in_browser']} (most in flight in one browser: {h['polls_in_flight_max_per_browser']}) |",
          f"| load generator CPU (driver / pollers / screens) | {h['driver_cpu_s']} / {h['poller_cpu_s']} / {w['client_cpu_s']} s; event-loop lag p99 driver {h['driver_loop_lag'].get('p99_ms')} ms, pollers {h['poller_loop_lag'].get('p99_ms')} ms |",
          f"| agents' sign-in (before the hour) | {h['signin_s']} s |"]
    m = r.get("machine", {})
    L.append(f"| the machine during the hour | {m.get('busy_cores_hour')} of {m.get('cores')} cores busy, the server(s) {m.get('servers_cores_hour')} "
             f"(the rest: load generator, PostgreSQL, anything else running); load average at the end {' '.join(m.get('loadavg_end', []))} |")
    ws = r.get("windows", [])
    slow = [x for x in ws if x["slowest_ms"] >= 100]
    worst = sorted(ws, key=lambda x: -x["slowest_ms"])[:5]
    L.append(f"| 5-s windows of the hour with a request ≥ 100 ms | {len(slow)} of {len(ws)}; slowest: " +
             ", ".join(f"+{x['from_s']} s {x['slowest_ms']} ms `{x['slowest_route']}`" for x in worst) + " |")
    for pid, v in r["server"].items():
        L.append(f"| server pid {pid} | CPU {v['cpu_s']} s over the hour and drain ({v['cores']} cores; {v['cores_hour']} cores during the hour), "
                 f"RSS {v['rss_mb']} MB at the end (largest sampled {v['rss_max_sampled_mb']} MB), VmHWM {v['hwm_mb']} MB |")
    if r["errors"]["server_errors"]:
        L += ["", "Server errors (5xx):", ""]
        for e in r["errors"]["server_errors"][:5]:
            L.append(f"- `{e['method']} {e['url']}` → {e['status']}: body `{e['body']}` answer `{e['answer'][:200]}`")
    elif r["errors"]["samples"]:
        L += ["", "Failed requests (first):", ""]
        for e in r["errors"]["samples"][:5]:
            L.append(f"- `{e['method']} {e['url']}` → {e['status']}: `{(e['answer'] or '')[:200]}`")
    return "\n".join(L) + "\n"


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", action="append", required=True, help="server URL; repeat for several processes")
    ap.add_argument("--pid", action="append", type=int, default=[], help="server pid (CPU, RSS); repeat")
    ap.add_argument("--db-url", required=True, help="the servers' DATABASE_URL (bulk seeding)")
    ap.add_argument("--cti-token", required=True)
    ap.add_argument("--label", default="run")
    ap.add_argument("--db-name", default="sqlite", help="name in the summary lines")
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=360, help="real seconds the hour lasts")
    ap.add_argument("--speed", type=float, default=10, help="floor seconds per real second")
    ap.add_argument("--calls-per-agent-hour", type=float, default=6)
    ap.add_argument("--abandon-share", type=float, default=0.04, help="callers who hang up before routing")
    ap.add_argument("--order-share", type=float, default=0.4)
    ap.add_argument("--wallboards", type=int, default=100)
    ap.add_argument("--wallboard-procs", type=int, default=4)
    ap.add_argument("--poll-seconds", type=float, default=3)
    ap.add_argument("--poll-procs", type=int, default=2)
    ap.add_argument("--signin-seconds", type=float, default=20)
    ap.add_argument("--drain-seconds", type=float, default=90)
    ap.add_argument("--sla-probes", type=int, default=30)
    ap.add_argument("--sweep-interval", type=float, default=5, help="the servers' KEFU_SWEEP_INTERVAL (for judging lateness)")
    ap.add_argument("--template-agent", default="90000")
    ap.add_argument("--lead", default="80000")
    ap.add_argument("--qc", default="80001")
    ap.add_argument("--first-agent", type=int, default=10000)
    ap.add_argument("--password", default="bench1234")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--out", default=None, help="JSON result")
    ap.add_argument("--md", default=None, help="append the Markdown section to this file")
    a = ap.parse_args()
    if a.pid and len(a.pid) != len(a.base):
        ap.error("give one --pid per --base")
    center = Center(a)
    try:
        r = await center.run()
    except BenchError as e:
        print(f"CENTER BENCH ERROR: {e}", file=sys.stderr)
        return 2
    lines = print_lines(r, a.db_name)
    r["summary_lines"] = lines
    print()
    for line in lines:
        print(line)
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(r, f, indent=2, ensure_ascii=False)
    if a.md:
        os.makedirs(os.path.dirname(os.path.abspath(a.md)), exist_ok=True)
        with open(a.md, "a") as f:
            f.write(markdown(r, a.db_name) + "\n")
    return 0 if all(ok for _, _, _, ok, _ in goals(r)) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
