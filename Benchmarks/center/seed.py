"""Bulk seeding for the center benchmark: agents, their bearer tokens and page sessions,
customers, and the SLA probe orders, written straight into the database.

Why SQL and not the CLI or the API: `kefu user add` and `POST /api/v1/session` each cost one
bcrypt (cost 12, ~0.2 s of CPU); 1,000 agents would take minutes of setup and the
sign-in storm is not what this benchmark measures. Every row is a copy of one *real* row
that the server made itself (a user from `kefu user add`, a token from `POST
/api/v1/session`, a page session from `POST /login`, a customer from `POST
/api/v1/customers`), with only the identifying columns changed, so the formats (UUID text
case in SQLite, timestamps, the session's JSON) are the server's own.

SQLite is written with Python's sqlite3 (WAL, busy timeout); PostgreSQL through `psql`
(no driver needed). Values are copied as text literals, which both databases coerce to the
column's type on INSERT ... VALUES.
"""
import hashlib
import json
import os
import sqlite3
import subprocess
import uuid


class DB:
    """A small SQL runner for `sqlite:///path` or `postgres://...` URLs."""

    def __init__(self, url):
        self.url = url
        if url.startswith("sqlite://"):
            self.kind = "sqlite"
            path = url[len("sqlite://"):]
            self.conn = sqlite3.connect(path, timeout=60, isolation_level=None)
            self.conn.execute("PRAGMA busy_timeout = 60000")
        elif url.startswith(("postgres://", "postgresql://")):
            self.kind = "postgres"
            self.conn = None
        else:
            raise ValueError(f"unsupported DATABASE_URL: {url}")

    # -- literals -------------------------------------------------------------------------
    def uuid(self):
        u = str(uuid.uuid4())
        return u.upper() if self.kind == "sqlite" else u

    def ts(self, epoch):
        """A timestamp literal for a datetime column (SQLite: REAL seconds; PostgreSQL: timestamptz)."""
        return repr(float(epoch)) if self.kind == "sqlite" else f"to_timestamp({float(epoch)!r})"

    def epoch(self, column):
        """An expression reading a datetime column as epoch seconds."""
        return column if self.kind == "sqlite" else f"extract(epoch from {column})"

    @staticmethod
    def lit(v):
        if v is None:
            return "NULL"
        return "'" + str(v).replace("'", "''") + "'"

    # -- running --------------------------------------------------------------------------
    def query(self, sql):
        """Rows as lists of text (None for NULL)."""
        if self.kind == "sqlite":
            return [[None if c is None else (c.decode() if isinstance(c, bytes) else str(c)) for c in row]
                    for row in self.conn.execute(sql).fetchall()]
        out = subprocess.run(["psql", self.url, "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr.strip()[:500]}")
        rows = []
        for line in out.stdout.split("\n"):
            if line == "":
                continue
            rows.append([None if c == "" else c for c in line.split("\x1f")])
        return rows

    def execute_many(self, statements):
        """Runs the statements in one transaction."""
        if not statements:
            return
        if self.kind == "sqlite":
            cur = self.conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                for s in statements:
                    cur.execute(s)
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            return
        script = "BEGIN;\n" + ";\n".join(statements) + ";\nCOMMIT;\n"
        out = subprocess.run(["psql", self.url, "-X", "-q", "-v", "ON_ERROR_STOP=1"], input=script,
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr.strip()[:500]}")

    def columns(self, table):
        if self.kind == "sqlite":
            return [r[1] for r in self.conn.execute(f'PRAGMA table_info("{table}")').fetchall()]
        rows = self.query("SELECT column_name FROM information_schema.columns "
                          f"WHERE table_name = '{table}' ORDER BY ordinal_position")
        return [r[0] for r in rows]

    def template(self, table, where):
        """One existing row as {column: text}."""
        cols = self.columns(table)
        sel = ", ".join(f'"{c}"' if self.kind == "sqlite" else f'"{c}"::text' for c in cols)
        rows = self.query(f'SELECT {sel} FROM "{table}" WHERE {where} LIMIT 1')
        if not rows:
            raise RuntimeError(f"no template row in {table} where {where}")
        return dict(zip(cols, rows[0]))

    def insert_copies(self, table, template, overrides_list, chunk=500):
        """INSERTs one copy of `template` per overrides dict (values are literals already
        rendered, or plain values to quote)."""
        cols = list(template.keys())
        head = f'INSERT INTO "{table}" (' + ", ".join(f'"{c}"' for c in cols) + ") VALUES "
        stmts = []
        for i in range(0, len(overrides_list), chunk):
            values = []
            for ov in overrides_list[i:i + chunk]:
                row = []
                for c in cols:
                    if c in ov:
                        v = ov[c]
                        row.append(v.sql if isinstance(v, Raw) else self.lit(v))
                    else:
                        row.append(self.lit(template[c]))
                values.append("(" + ", ".join(row) + ")")
            stmts.append(head + ", ".join(values))
        self.execute_many(stmts)


class Raw:
    """A literal already written in SQL (e.g. `to_timestamp(...)`)."""

    def __init__(self, sql):
        self.sql = sql


def sha256_hex(s):
    return hashlib.sha256(s.encode()).hexdigest()


def new_token():
    return "center-" + os.urandom(24).hex()


def new_session_key():
    import base64
    return base64.b64encode(os.urandom(32)).decode()


def seed_agents(db, template_work_id, first_work_id, count, template_token, template_session_key):
    """Copies of the template agent: `count` users with work IDs first_work_id.., each with a
    bearer token (copy of the template's token row) and a page session (copy of the
    template's session, its `uid` replaced). Returns [(work_id, token, session_key)]."""
    user_t = db.template("users", f"work_id = {db.lit(template_work_id)}")
    tok_t = db.template("user_tokens", f"token_hash = {db.lit(sha256_hex(template_token))}")
    ses_t = db.template("_fluent_sessions", f"key = {db.lit(template_session_key)}")
    data = json.loads(ses_t["data"])
    if data.get("uid") is None:
        raise RuntimeError(f"template session has no uid: {data}")
    users, tokens, sessions, out = [], [], [], []
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
    given = ["晓燕", "子涵", "俊杰", "思雨", "浩然", "欣怡", "宇航", "佳琪", "明轩", "雨萱", "志强", "丽娟"]
    for i in range(count):
        wid = str(first_work_id + i)
        uid = db.uuid()
        token, key = new_token(), new_session_key()
        name = surnames[i % len(surnames)] + given[(i * 7) % len(given)]
        users.append({"id": uid, "work_id": wid, "name": name})
        tokens.append({"id": db.uuid(), "token_hash": sha256_hex(token), "user_id": uid})
        d = dict(data)
        d["uid"] = uid.upper()  # as Vapor writes it (Foundation's uuidString)
        sessions.append({"id": db.uuid(), "key": key, "data": json.dumps(d, separators=(",", ":"))})
        out.append((wid, token, key))
    db.insert_copies("users", user_t, users)
    db.insert_copies("user_tokens", tok_t, tokens)
    db.insert_copies("_fluent_sessions", ses_t, sessions)
    return out


def seed_customers(db, template_customer_id, count, phone_of):
    """Copies of one customer with new ids, names and phones (phone_of(i))."""
    t = db.template("customers", f"id = {db.lit(template_customer_id.upper() if db.kind == 'sqlite' else template_customer_id)}")
    rows, ids = [], []
    for i in range(count):
        cid = db.uuid()
        rows.append({"id": cid, "name": f"客户{i:05d}", "phone": phone_of(i)})
        ids.append(cid)
    db.insert_copies("customers", t, rows)
    return ids


def arm_sla_probes(db, order_ids, first_due, spacing, target_seconds):
    """Makes the sweeper fire real escalations during the run: order j's resolution timer
    (24h calendar) is set so that its first step (80 %) falls due at first_due + j*spacing;
    the next steps (100 %, 150 %) follow 0.2 and 0.7 targets later. Returns
    {order_id: created_at epoch} (the sweeper's lateness is judged against these)."""
    stmts, created = [], {}
    for j, oid in enumerate(order_ids):
        due = first_due + j * spacing
        c = due - 0.8 * target_seconds
        created[oid] = c
        key = db.lit(oid.upper() if db.kind == "sqlite" else oid)
        stmts.append(f"UPDATE work_orders SET created_at = {db.ts(c)}, resolution_target_seconds = {int(target_seconds)}, "
                     f"calendar_kind = '24h', escalation_level = 0, paused_seconds = 0, paused_since = NULL, "
                     f"resolution_due_at = {db.ts(c + target_seconds)}, next_escalation_at = {db.ts(due)} WHERE id = {key}")
    db.execute_many(stmts)
    return created


def sla_firings(db, order_ids):
    """[(order_id, percent, fired_at epoch)] of the escalations written for the probes."""
    if not order_ids:
        return []
    keys = ", ".join(db.lit(o.upper() if db.kind == "sqlite" else o) for o in order_ids)
    rows = db.query(f"SELECT work_order_id, summary, {db.epoch('at')} FROM timeline_events "
                    f"WHERE kind = 'escalated' AND work_order_id IN ({keys})")
    out = []
    import re
    for oid, summary, at in rows:
        m = re.search(r"(\d+)%", summary or "")
        if m:
            out.append((oid.lower(), int(m.group(1)), float(at)))
    return out
