#!/usr/bin/env python3
"""Plain-SQLite reference for the work-order create benchmark (issue 12).

Writes the same rows as `POST /api/v1/work-orders` does in Benchmarks/run.sh, with
Python's sqlite3 and no Kefu in between, one transaction per order, so the benchmark can
say how much of what the database can do survives the HTTP path:

  BEGIN IMMEDIATE
    duplicate check   SELECT the earliest open order of this customer/type/company inside
                      the 72 h window (WorkOrderService.duplicateMaster)
    daily number      INSERT INTO counters ... ON CONFLICT DO UPDATE ... RETURNING value
    order             INSERT INTO work_orders (all columns, WorkOrder+Insert.swift)
    history           INSERT INTO timeline_events + INSERT INTO audit_events (History.swift)
    duplicate link    when the check found a master (it always does after the first order,
                      since the benchmark files every order for one customer): the two
                      'duplicate_linked' timeline + audit pairs Kefu writes too
  COMMIT

The database must be migrated by `kefu migrate --yes` first (company HQ / branch MAIN
exist then); the script adds one customer of its own. Settings are Kefu's: WAL,
synchronous=NORMAL, busy_timeout, foreign keys on (sqlite-nio's default).

  python3 Benchmarks/reference/plain_sqlite.py --db /tmp/x/ref.sqlite --count 20000
  DATABASE_URL=sqlite:///tmp/x/ref.sqlite python3 Benchmarks/reference/plain_sqlite.py --seconds 5

Prints `reference db=sqlite rows=N seconds=S rate=R links=on|off`; exits 1 on any error.
"""
import argparse
import datetime
import os
import sqlite3
import sys
import time
import uuid
from zoneinfo import ZoneInfo

DUPLICATE_WINDOW = 72 * 3600
# SLAPolicy.defaultPolicy(type: .consultation, priority: .normal) on the 24 h calendar,
# as the benchmark's orders get it.
FIRST_RESPONSE_SECONDS = 1800
RESOLUTION_SECONDS = 28800
ESCALATION_AT = 0.8  # next_escalation_at = start + 80 % of the resolution target
ACTOR = "7001"
IP = "127.0.0.1"
CREATED_SUMMARY = "创建咨询工单（电话），首问负责人 7001"
CREATED_CHANGES = '{"ownerWorkId":{"to":"7001"},"status":{"to":"open"}}'
CREATED_BEFORE = '{"ownerWorkId":null,"status":null}'
CREATED_AFTER = '{"ownerWorkId":"7001","status":"open"}'

DUPLICATE_SQL = """
SELECT id, number, created_at, status, duplicate_of FROM work_orders
WHERE company_id = ? AND customer_id = ? AND type = ? AND status <> 'closed' AND created_at >= ?
ORDER BY created_at LIMIT 1"""
MASTER_NUMBER_SQL = "SELECT number FROM work_orders WHERE id = ? AND company_id = ? LIMIT 1"
COUNTER_SQL = ("INSERT INTO counters (key, value) VALUES (?, 1) "
               "ON CONFLICT (key) DO UPDATE SET value = counters.value + 1 RETURNING value")
ORDER_COLUMNS = ("id", "company_id", "branch_id", "number", "type", "channel", "status", "priority", "subject",
                 "description", "owner_work_id", "created_by_work_id", "customer_id", "address", "needs_visit",
                 "first_response_due_at", "first_responded_at", "resolution_target_seconds", "calendar_kind",
                 "resolution_due_at", "paused_seconds", "paused_since", "escalation_level", "next_escalation_at",
                 "duplicate_of", "promised_reply_at", "callback_done", "open_supervision_count",
                 "resolved_at", "closed_at", "created_at", "updated_at")
ORDER_SQL = "INSERT INTO work_orders (%s) VALUES (%s)" % (
    ", ".join('"%s"' % c for c in ORDER_COLUMNS), ", ".join("?" * len(ORDER_COLUMNS)))
TIMELINE_SQL = ("INSERT INTO timeline_events (id, work_order_id, at, actor_work_id, kind, summary, changes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)")
AUDIT_SQL = ('INSERT INTO audit_events (id, at, actor_work_id, action, object_type, object_id, "before", "after", ip) '
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


def new_id():
    return str(uuid.uuid4()).upper()


def database_path(args):
    if args.db:
        return args.db
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("sqlite://"):
        return url[len("sqlite://"):]
    sys.exit("plain_sqlite: give --db PATH or DATABASE_URL=sqlite:///path (got %r)" % url)


def place(con):
    """Company HQ and its branch MAIN (created by `kefu migrate`), plus a customer of our own."""
    row = con.execute("SELECT c.id, b.id FROM companies c JOIN branches b ON b.company_id = c.id "
                      "WHERE c.code = 'HQ' AND b.code = 'MAIN'").fetchone()
    if row is None:
        sys.exit("plain_sqlite: no company HQ / branch MAIN — run `kefu migrate --yes` on this database first")
    company, branch = row
    customer = new_id()
    now = time.time()
    with con:
        con.execute("INSERT INTO customers (id, name, phone, phone2, id_number, tier, address, created_at, updated_at, "
                    "company_id, branch_id) VALUES (?, '参考客户', '13700137000', NULL, NULL, 'normal', NULL, ?, ?, ?, ?)",
                    (customer, now, now, company, branch))
    return company, branch, customer


def create_order(con, company, branch, customer, tz, links):
    now = time.time()
    con.execute("BEGIN IMMEDIATE")
    try:
        master = None
        e = con.execute(DUPLICATE_SQL, (company, customer, "consultation", now - DUPLICATE_WINDOW)).fetchone()
        if e is not None and e[2] <= now:
            master_id = e[4] or e[0]
            if master_id == e[0]:
                master = (master_id, e[1])
            else:
                n = con.execute(MASTER_NUMBER_SQL, (master_id, company)).fetchone()
                master = (master_id, n[0] if n else "")
        if not links:
            master = None
        day = datetime.datetime.fromtimestamp(now, tz)
        (seq,) = con.execute(COUNTER_SQL, ("work_order:%04d-%02d-%02d" % (day.year, day.month, day.day),)).fetchone()
        number = "GD%04d%02d%02d-%04d" % (day.year, day.month, day.day, seq)
        oid = new_id()
        con.execute(ORDER_SQL, (
            oid, company, branch, number, "consultation", "phone", "open", "normal", "压测", "压测工单",
            ACTOR, ACTOR, customer, None, 0,
            now + FIRST_RESPONSE_SECONDS, now, RESOLUTION_SECONDS, "24h",
            now + RESOLUTION_SECONDS, 0, None, 0, now + RESOLUTION_SECONDS * ESCALATION_AT,
            master[0] if master else None, None, 0, 0,
            None, None, now, now))
        con.execute(TIMELINE_SQL, (new_id(), oid, now, ACTOR, "created", CREATED_SUMMARY, CREATED_CHANGES))
        con.execute(AUDIT_SQL, (new_id(), now, ACTOR, "work_order.created", "work_order", oid,
                                CREATED_BEFORE, CREATED_AFTER, IP))
        if master:
            mid, mnumber = master
            con.execute(TIMELINE_SQL, (new_id(), oid, now, ACTOR, "duplicate_linked",
                                       "与工单 %s 重复，以先受理的工单为准" % mnumber,
                                       '{"duplicateOf":{"to":"%s"}}' % mid))
            con.execute(AUDIT_SQL, (new_id(), now, ACTOR, "work_order.duplicate_linked", "work_order", oid,
                                    '{"duplicateOf":null}', '{"duplicateOf":"%s"}' % mid, IP))
            con.execute(TIMELINE_SQL, (new_id(), mid, now, ACTOR, "duplicate_linked",
                                       "重单 %s 已关联到本工单" % number, "{}"))
            con.execute(AUDIT_SQL, (new_id(), now, ACTOR, "work_order.duplicate_linked", "work_order", mid,
                                    None, None, IP))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="SQLite file migrated by `kefu migrate --yes` (default: DATABASE_URL)")
    ap.add_argument("--count", type=int, default=20000, help="orders to write (default 20000)")
    ap.add_argument("--seconds", type=float, default=0, help="stop after this many seconds even before --count")
    ap.add_argument("--time-zone", default="Asia/Shanghai", help="the center's time zone for the daily number")
    ap.add_argument("--no-links", action="store_true",
                    help="skip the duplicate-link rows (only order + one timeline + one audit row)")
    args = ap.parse_args()
    path = database_path(args)
    if not os.path.exists(path):
        sys.exit("plain_sqlite: %s does not exist — run `kefu migrate --yes` with DATABASE_URL=sqlite://%s first"
                 % (path, path))
    tz = ZoneInfo(args.time_zone)
    # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA busy_timeout=10000")
    con.execute("PRAGMA foreign_keys=ON")
    company, branch, customer = place(con)
    links = not args.no_links
    rows = 0
    start = time.perf_counter()
    deadline = start + args.seconds if args.seconds > 0 else None
    while rows < args.count:
        create_order(con, company, branch, customer, tz, links)
        rows += 1
        if deadline is not None and rows % 64 == 0 and time.perf_counter() >= deadline:
            break
    seconds = time.perf_counter() - start
    con.close()
    print("reference db=sqlite rows=%d seconds=%.3f rate=%.1f links=%s"
          % (rows, seconds, rows / seconds if seconds > 0 else 0, "on" if links else "off"))


if __name__ == "__main__":
    main()
