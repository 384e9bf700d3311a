"""Wallboard WebSocket clients for live_bench.py, spread over worker processes.

Why not one asyncio process with the `websockets` library (the first version of this
benchmark): 500 screens in one Python process cost ~100 µs of client CPU per received frame
(library framing + a JSON parse), so the 500th screen of a broadcast was timestamped ~50 ms
after the first purely because the *client* was busy — measured as server latency. Here
every socket is a bare asyncio Protocol: on each read it takes the timestamp first, cuts the
frame(s) out of the buffer and keeps the raw bytes; the full JSON parse happens after the
run. The sockets are split over several processes (default 4) so a broadcast is received in
parallel, as 500 real browsers would.

The worker processes share two arrays with the driver: the latest top-level `waiting` each
client has seen (a byte regex on the frame, for the driver's progress checks) and the time
of its last frame. perf_counter is CLOCK_MONOTONIC on Linux, so times taken in the workers
compare with the driver's.
"""
import asyncio
import base64
import json
import multiprocessing as mp
import os
import re
import struct
import time
from urllib.parse import urlsplit

perf = time.perf_counter
WAITING_RE = re.compile(rb'"waiting"\s*:\s*(\d+)')


def _masked_frame(opcode, payload=b""):
    """A client -> server frame (clients must mask, RFC 6455 5.3)."""
    key = os.urandom(4)
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + body


class _Socket(asyncio.Protocol):
    def __init__(self, slot, url, cookie, wait, last, upgraded):
        self.slot, self.url, self.cookie = slot, url, cookie
        self.wait, self.last, self.upgraded = wait, last, upgraded
        self.buf = bytearray()
        self.frag = b""
        self.open = False
        self.times, self.raws = [], []
        self.closed = None
        self.tr = None

    def connection_made(self, transport):
        self.tr = transport
        u = urlsplit(self.url)
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write((f"GET {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\nUpgrade: websocket\r\n"
                         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                         f"Cookie: kefu_session={self.cookie}\r\n\r\n").encode())

    def connection_lost(self, exc):
        if self.closed is None:
            self.closed = repr(exc) if exc else "connection lost"
        if not self.upgraded.done():
            self.upgraded.set_exception(ConnectionError(self.closed))

    def data_received(self, data):
        t = perf()  # first, before any parsing
        buf = self.buf
        buf += data
        if not self.open:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buf[:buf.find(b"\r\n")])
            if b" 101" not in status:
                self.closed = status.decode(errors="replace")
                self.tr.close()
                return
            del buf[:end + 4]
            self.open = True
            self.upgraded.set_result(True)
        while len(buf) >= 2:
            n = buf[1] & 0x7F
            hdr = 2
            if n == 126:
                if len(buf) < 4:
                    return
                n, hdr = struct.unpack_from("!H", buf, 2)[0], 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n, hdr = struct.unpack_from("!Q", buf, 2)[0], 10
            if buf[1] & 0x80:
                hdr += 4  # a masked frame from the server would be a protocol error; skip the key
            if len(buf) < hdr + n:
                return
            fin, op = buf[0] & 0x80, buf[0] & 0x0F
            payload = bytes(buf[hdr:hdr + n])
            del buf[:hdr + n]
            if op in (0, 1, 2):
                if not fin:
                    self.frag += payload
                    continue
                if self.frag:
                    payload, self.frag = self.frag + payload, b""
                self.times.append(t)
                self.raws.append(payload)
                m = WAITING_RE.search(payload)
                if m:
                    self.wait[self.slot] = int(m.group(1))
                self.last[self.slot] = t
            elif op == 9:
                self.tr.write(_masked_frame(10, payload))
            elif op == 8:
                self.closed = "closed by server"
                self.tr.write(_masked_frame(8, payload[:2]))
                self.tr.close()


async def connect_all(slots, urls, cookie, wait, last):
    """Opens one WebSocket per slot (50 handshakes at a time, 5 tries each); returns the
    open sockets by slot and the first error, if any (`wallboards.py` uses it too)."""
    loop = asyncio.get_running_loop()
    sockets = {}
    sem = asyncio.Semaphore(50)

    async def connect(slot):
        url = urls[slot % len(urls)]
        u = urlsplit(url)
        async with sem:
            for attempt in range(5):
                fut = loop.create_future()
                try:
                    _, p = await loop.create_connection(lambda: _Socket(slot, url, cookie, wait, last, fut),
                                                        u.hostname, u.port)
                    await asyncio.wait_for(fut, 30)
                    sockets[slot] = p
                    return None
                except Exception as e:
                    if attempt == 4:
                        return f"WebSocket {url} failed: {e!r}"
                    await asyncio.sleep(0.5)

    errors = [e for e in await asyncio.gather(*(connect(s) for s in slots)) if e]
    return sockets, errors[:1]


async def _worker_main(slots, urls, cookie, wait, last, conn, stop):
    sockets, errors = await connect_all(slots, urls, cookie, wait, last)
    conn.send(("connected", errors))
    while not stop.is_set():
        await asyncio.sleep(0.05)
    cpu = time.process_time()
    report = {}
    for slot, p in sockets.items():
        # the full parse, after the run: every frame must be a JSON snapshot
        waits = [json.loads(r)["waiting"] for r in p.raws]
        report[slot] = (p.times, waits, p.closed)
        if p.tr and not p.tr.is_closing():
            p.tr.write(_masked_frame(8, struct.pack("!H", 1000)))
            p.tr.close()
    conn.send(("done", report, cpu))


def _worker(slots, urls, cookie, wait, last, conn, stop):
    asyncio.run(_worker_main(slots, urls, cookie, wait, last, conn, stop))


class ClientPool:
    """`n` wallboard sockets (client i on bases[i % len(bases)]) in `procs` processes."""

    def __init__(self, bases, cookie, n, procs):
        ctx = mp.get_context("spawn")
        self.n = n
        self.wait = ctx.Array("q", [-1] * n, lock=False)
        self.last = ctx.Array("d", [0.0] * n, lock=False)
        self.stop = ctx.Event()
        urls = [b.replace("http://", "ws://") + "/wallboard/ws" for b in bases]
        self.workers = []
        for w in range(max(1, min(procs, n))):
            mine, theirs = ctx.Pipe()
            slots = list(range(w, n, max(1, min(procs, n))))
            p = ctx.Process(target=_worker, args=(slots, urls, cookie, self.wait, self.last, theirs, self.stop), daemon=True)
            p.start()
            self.workers.append((p, mine))

    async def _recv(self, conn, limit):
        end = perf() + limit
        while not conn.poll():
            if perf() > end:
                raise TimeoutError("a WebSocket worker process did not answer")
            await asyncio.sleep(0.02)
        return conn.recv()

    async def open(self, limit=60):
        """Waits until every socket is open and has its first snapshot; returns seconds."""
        t0 = perf()
        for _, conn in self.workers:
            _, errors = await self._recv(conn, limit)
            if errors:
                raise ConnectionError(errors[0])
        connected = perf() - t0
        while min(self.wait) < 0:
            if perf() - t0 > limit:
                raise TimeoutError(f"{sum(1 for w in self.wait if w < 0)} clients got no initial snapshot")
            await asyncio.sleep(0.02)
        return connected, perf() - t0

    def waiting(self):
        return list(self.wait)

    def last_receive(self):
        return max(self.last)

    async def finish(self):
        """Stops the workers; returns ({client: (times, waits, closed)}, client CPU seconds)."""
        self.stop.set()
        out, cpu = {}, 0.0
        for p, conn in self.workers:
            _, report, c = await self._recv(conn, 120)
            out.update(report)
            cpu += c
            p.join(10)
        return out, cpu
