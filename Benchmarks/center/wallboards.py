"""Wallboard WebSockets for the center benchmark, built on Benchmarks/live/ws_pool.py.

ws_pool's sockets (`_Socket`: timestamp first on every read, frames cut out raw) and its
`ClientPool` (clients spread over worker processes, shared `waiting` / last-receive arrays)
are reused as they are. Two things differ for a run of several minutes under full traffic:

- The live benchmark keeps every raw frame until the end. Here 100 screens receive tens of
  frames a second each for six minutes (~1.5 M frames, ~1.5 GB of JSON), so each worker
  folds its frames as it goes: a background task parses at most 50 frames at a time and
  yields in between (so a frame that arrives meanwhile is timestamped a few ms late at
  worst) and keeps, per frame, only its receive time and the numbers the lag is judged by.
- The lag is judged per queue: every queue's `answered + abandoned` on the board only ever
  grows, and one switch connector (one sender, one batch at a time) feeds each queue, so
  "the queue's count reached k" on a screen means that the k-th answer/abandon of that
  queue was folded. At the end the driver sends each worker the list (queue, k, time the
  POST carrying it was sent); the worker returns, for every (event, its screens), the time
  from the POST to the first frame that shows it — no frames cross the pipe.
"""
import array
import asyncio
import bisect
import json
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
from ws_pool import ClientPool, _masked_frame, connect_all  # noqa: E402

perf = time.perf_counter


class _Screen:
    """One screen's folded frames: receive times and each queue's answered + abandoned."""

    def __init__(self, queues):
        self.queues = queues
        self.times = array.array("d")
        self.counts = [array.array("i") for _ in queues]
        self.waiting = array.array("i")
        self.done = 0  # raw frames of the socket folded so far
        self.bad = 0

    def fold(self, sock, limit):
        n = 0
        while self.done < len(sock.raws) and n < limit:
            raw = sock.raws[self.done]
            t = sock.times[self.done]
            sock.raws[self.done] = None
            self.done += 1
            n += 1
            try:
                s = json.loads(raw)
            except ValueError:
                self.bad += 1
                continue
            by_q = {q.get("queue"): q.get("answered", 0) + q.get("abandoned", 0) for q in s.get("queues", [])}
            self.times.append(t)
            self.waiting.append(int(s.get("waiting", 0)))
            for i, q in enumerate(self.queues):
                self.counts[i].append(int(by_q.get(q, 0)))
        return n


async def _worker_main(slots, urls, cookie, wait, last, conn, stop, queues):
    sockets, errors = await connect_all(slots, urls, cookie, wait, last)
    screens = {slot: _Screen(queues) for slot in sockets}

    async def folder():
        while True:
            busy = False
            for slot, p in list(sockets.items()):
                if screens[slot].fold(p, 50):
                    busy = True
                    await asyncio.sleep(0)
            await asyncio.sleep(0 if busy else 0.05)

    conn.send(("connected", errors))
    task = asyncio.create_task(folder())
    while not stop.is_set():
        await asyncio.sleep(0.05)
    task.cancel()
    info = {}
    for slot, p in sockets.items():
        screens[slot].fold(p, 1 << 30)
        info[slot] = (len(screens[slot].times), p.closed, screens[slot].bad)
        if p.tr and not p.tr.is_closing():
            p.tr.write(_masked_frame(8, struct.pack("!H", 1000)))
            p.tr.close()
    cpu = time.process_time()
    conn.send(("stopped", info, cpu))
    # The driver sends the events to judge: [(queue index, k, t_sent)]; answer per screen.
    events = conn.recv()
    lags, missed = [], 0
    for slot, sc in screens.items():
        times = sc.times
        for qi, k, t_sent in events:
            counts = sc.counts[qi]
            i = bisect.bisect_left(counts, k)
            if i >= len(counts):
                missed += 1
            else:
                lags.append(max(0.0, times[i] - t_sent))
    finals = {s: (sc.waiting[-1] if len(sc.waiting) else None, [c[-1] if len(c) else 0 for c in sc.counts]) for s, sc in screens.items()}
    conn.send(("judged", lags, missed, finals))


def _worker(slots, urls, cookie, wait, last, conn, stop, queues):
    asyncio.run(_worker_main(slots, urls, cookie, wait, last, conn, stop, queues))


class WallboardPool(ClientPool):
    """`n` wallboard screens (screen i on bases[i % len(bases)]) in `procs` processes."""

    def __init__(self, bases, cookie, n, procs, queues):
        import multiprocessing as mp
        ctx = mp.get_context("spawn")
        self.n = n
        self.queues = list(queues)
        self.wait = ctx.Array("q", [-1] * n, lock=False)
        self.last = ctx.Array("d", [0.0] * n, lock=False)
        self.stop = ctx.Event()
        urls = [b.replace("http://", "ws://") + "/wallboard/ws" for b in bases]
        self.workers = []
        k = max(1, min(procs, n))
        for w in range(k):
            mine, theirs = ctx.Pipe()
            slots = list(range(w, n, k))
            p = ctx.Process(target=_worker, args=(slots, urls, cookie, self.wait, self.last, theirs, self.stop, self.queues), daemon=True)
            p.start()
            self.workers.append((p, mine))

    async def finish(self, events):
        """Stops the screens and judges `events` [(queue, k, t_sent)] on every screen.
        Returns dict: lags (s), missed, frames, closed, client_cpu_s, finals."""
        self.stop.set()
        frames, closed, bad, cpu = 0, [], 0, 0.0
        for _, conn in self.workers:
            _, info, c = await self._recv(conn, 120)
            cpu += c
            for slot, (nf, cl, b) in info.items():
                frames += nf
                bad += b
                if cl:
                    closed.append(cl)
        qi = {q: i for i, q in enumerate(self.queues)}
        payload = [(qi[q], k, t) for q, k, t in events if q in qi]
        for _, conn in self.workers:
            conn.send(payload)
        lags, missed, finals = [], 0, {}
        for p, conn in self.workers:
            _, l, m, f = await self._recv(conn, 600)
            lags.extend(l)
            missed += m
            finals.update(f)
            p.join(10)
        return {"lags": lags, "missed": missed, "frames": frames, "closed": closed, "bad_frames": bad,
                "client_cpu_s": cpu, "finals": finals}
