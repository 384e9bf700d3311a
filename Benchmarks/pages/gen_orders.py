#!/usr/bin/env python3
"""Bulk-load a year of work orders into a Kefu database that `kefu demo` has set up.

    python3 gen_orders.py --sqlite /tmp/x/pages.sqlite --orders 1000000
    python3 gen_orders.py --pg-url postgres://postgres@127.0.0.1:55460/kefu_pages --orders 1000000

Writes the rows the server itself would have written for each order (the order, its
timeline and audit lines, supervision orders, callbacks, escalation notices) with the
column lists of the migrations (M003, M004, M005, M014) and WorkOrder+Insert.swift, so the
pages read what a center a year into production holds:

* ~N/365 orders a day over the last 365 days (weekdays busier), numbered GD<day>-<seq> after
  the demo's own numbers of that day, the daily counters moved on so new creates follow;
* the demo's type/channel/priority mix, 49 HQ agents as owners (the demo agents included),
  ~N/10 customers of HQ (a quarter in the Ningbo branch);
* old orders almost all closed (most with a callback), recent ones still being worked,
  a share of those overdue and escalated (levels 1-3, with the notices the sweeper sends),
  ~15 % with a supervision order to one of HQ's departments (open ones on transferred
  orders, some overdue and already reported);
* escalation and supervision markers are set so the server's sweeper has nothing due.

SQLite: executemany in large transactions, secondary indexes dropped during the load and
rebuilt after. PostgreSQL: COPY ... FROM STDIN through psql, indexes likewise.
Stdlib only. Deterministic for a given --seed and --now.
"""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

TZ = timezone(timedelta(hours=8))  # Asia/Shanghai, the server's default KEFU_TIMEZONE
DAY = 86400.0
HOUR = 3600.0

TYPES = [("consultation", 30), ("query", 25), ("complaint", 10), ("suggestion", 3), ("business", 20), ("fault", 12)]
TYPE_LABEL = {"consultation": "咨询", "query": "查询", "complaint": "投诉", "suggestion": "建议", "business": "业务办理", "fault": "故障报修"}
CHANNELS = [("phone", 55), ("chat", 17), ("email", 6), ("voicemail", 6), ("counter", 8), ("field", 8)]
CHANNEL_LABEL = {"phone": "电话", "chat": "在线", "email": "邮件", "voicemail": "语音留言", "counter": "营业厅", "field": "上门"}
PRIORITIES = [("normal", 85), ("high", 8), ("low", 4), ("urgent", 3)]
SUBJECTS = {
    "consultation": ["咨询宽带资费套餐", "咨询营业厅营业时间", "咨询国际漫游开通方式"],
    "query": ["查询本月话费明细", "查询积分余额", "查询订单物流进度"],
    "complaint": ["投诉宽带经常断线", "投诉装维人员未按约上门", "投诉话费多扣"],
    "suggestion": ["建议增加夜间人工服务", "建议优化手机营业厅界面"],
    "business": ["办理套餐变更", "办理宽带移机", "办理发票重开"],
    "fault": ["宽带无法上网", "电视机顶盒无信号", "固话无拨号音"],
}
STATUS_LABEL = {"open": "处理中", "transferred": "已转派", "pending_customer": "待客户反馈", "resolved": "已解决", "closed": "已关闭"}


# --rich-text (Benchmarks/search): varied service-center Chinese, so a search has common words
# (宽带 in a large share of orders), rare ones, names, places and numbers to find.
RICH_BUSINESS = ["宽带", "光猫", "路由器", "机顶盒", "有线电视", "固话", "手机", "流量包", "话费", "套餐", "积分", "发票",
                 "物业费", "电梯", "门禁", "停车位", "快递", "订单", "退款", "水电", "燃气表", "空调", "热水器", "网络电视"]
RICH_PROBLEM = {
    "consultation": ["资费怎么算", "如何办理", "营业时间", "能否提速", "优惠活动", "开通方式", "收费标准"],
    "query": ["余额查询", "明细查询", "进度查询", "物流进度", "到账时间", "账单核对"],
    "complaint": ["多收费用", "服务态度差", "上门迟到", "长时间未处理", "反复故障", "扣费不明", "虚假宣传"],
    "suggestion": ["建议延长服务时间", "建议增加网点", "建议简化流程", "建议短信提醒"],
    "business": ["变更套餐", "移机", "过户", "停机保号", "补办", "重开发票", "退订业务"],
    "fault": ["无法上网", "无信号", "频繁断线", "网速很慢", "黑屏", "无拨号音", "指示灯不亮", "漏水"],
}
RICH_PLACES = ["西湖区文三路", "滨江区江南大道", "鄞州区天童南路", "鹿城区人民路", "拱墅区莫干山路", "余杭区文一西路",
               "萧山区市心路", "上城区解放路", "海曙区中山西路", "江北区人民路", "越城区胜利路", "柯桥区金柯桥大道"]
RICH_ESTATES = ["幸福小区", "阳光花园", "金色家园", "翠苑一区", "东方名城", "湖畔居", "望江公寓", "星河湾", "桂花城", "梧桐苑"]
RICH_OPENERS = ["客户来电反映", "客户在线咨询", "业主来电称", "用户投诉", "客户再次来电", "客户留言表示"]
RICH_TAILS = ["已安抚客户情绪，承诺二十四小时内回复。", "已登记，转相关部门核查处理。", "已告知客户处理时限，客户表示认可。",
              "客户要求尽快上门处理并回电。", "已提供临时解决办法，待客户反馈。", "客户情绪激动，要求主管回电。",
              "已核实客户身份，详细情况见记录。", "需技术人员现场检测设备。"]
RICH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
RICH_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉建国志强海燕文博晓雪梅春花宇浩然子涵梓萱欣怡俊杰思远佳琪"


def rich_subject(rng, type_):
    return rng.choice(RICH_BUSINESS) + rng.choice(RICH_PROBLEM[type_])


def rich_description(rng, subject):
    parts = [f"{rng.choice(RICH_OPENERS)}：{subject}。"]
    roll = rng.random()
    if roll < 0.5:
        parts.append(f"地址{rng.choice(RICH_PLACES)}{rng.choice(RICH_ESTATES)}{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元{rng.randint(101, 2808)}室。")
    if roll > 0.3:
        parts.append(f"涉及{rng.choice(RICH_BUSINESS)}，金额{rng.randint(5, 3000)}元，账号{rng.randint(10 ** 9, 10 ** 10 - 1)}。")
    if rng.random() < 0.4:
        parts.append(f"客户称已是第{rng.randint(2, 5)}次来电，上次工单未解决。")
    parts.append(rng.choice(RICH_TAILS))
    return "".join(parts)


def rich_name(rng):
    return rng.choice(RICH_SURNAMES) + "".join(rng.choice(RICH_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def sla(type_, priority):
    """SLAPolicy.defaultPolicy: (first response s, resolution s, calendar kind)."""
    first, resolution, cal = {
        "complaint": (2 * 3600, 48 * 3600, "24h"), "fault": (3600, 24 * 3600, "24h"),
        "consultation": (1800, 8 * 3600, "24h"), "query": (1800, 24 * 3600, "24h"),
        "business": (2 * 3600, 27 * 3600, "working_days"), "suggestion": (4 * 3600, 45 * 3600, "working_days"),
    }[type_]
    f = {"urgent": 0.25, "high": 0.5, "normal": 1.0, "low": 1.5}[priority]
    return int(first * f), int(resolution * f), cal


def wall(seconds, cal):
    """Wall-clock length of `seconds` of SLA time (working days: 9 h a day, 5 days a week)."""
    return seconds if cal == "24h" else seconds / (9 * 3600) * DAY * 7 / 5


def weighted(rng, table):
    total = sum(w for _, w in table)
    x = rng.random() * total
    for v, w in table:
        x -= w
        if x < 0:
            return v
    return table[-1][0]


class Ids:
    """Fast reproducible UUIDs (version 4 layout, upper case like Swift's uuidString)."""

    def __init__(self, rng):
        self.rng = rng

    def __call__(self):
        h = "%032X" % self.rng.getrandbits(128)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89AB'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


# ---------------------------------------------------------------------------------------
# the data

def generate(ctx, n_orders, seed, now, sink, n_customers=None, rich=False):
    rng = random.Random(seed)
    uid = Ids(rng)
    hq, branches, deps, agents, counters = ctx["hq"], ctx["branches"], ctx["departments"], ctx["agents"], ctx["counters"]
    main_branch, nb_branch = branches["MAIN"], branches["NB"]

    # customers
    n_customers = n_customers or max(100, n_orders // 10)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
    given = ["建国", "秀英", "志强", "丽娟", "海燕", "文博", "晓明", "雪梅", "国华", "春花"]
    cities = [("杭州市", "西湖区", "文三路"), ("杭州市", "滨江区", "江南大道"), ("宁波市", "鄞州区", "天童南路"), ("温州市", "鹿城区", "人民路")]
    customers = []
    rows = []
    created0 = now - 400 * DAY
    for i in range(n_customers):
        city, district, street = cities[i % 4]
        address = json.dumps({"city": city, "district": district, "street": street, "estate": "幸福小区",
                              "building": str(1 + i % 30), "unit": str(1 + i % 4), "floor": str(1 + i % 28),
                              "door": str(101 + i % 8)}, ensure_ascii=False)
        cid = uid()
        branch = nb_branch if city == "宁波市" else main_branch
        tier = "vip" if i % 50 == 0 else ("major" if i % 20 == 0 else "normal")
        # 139xxxxxxxx: apart from the demo's 138 numbers
        if rich:
            name, phone = rich_name(rng), "1%d%09d" % (rng.randint(3, 9), rng.randint(0, 10 ** 9 - 1))
        else:
            name, phone = surnames[i % len(surnames)] + given[(i * 7) % len(given)], "139%08d" % (i * 37 % 10 ** 8)
        rows.append((cid, name, phone, None, None,
                     tier, address, created0, created0, hq, branch))
        customers.append((cid, branch, address, tier))
    sink.rows("customers", ("id", "name", "phone", "phone2", "id_number", "tier", "address", "created_at", "updated_at",
                            "company_id", "branch_id"), rows)

    order_cols = ("id", "company_id", "branch_id", "number", "type", "channel", "status", "priority", "subject", "description",
                  "owner_work_id", "created_by_work_id", "customer_id", "address", "needs_visit",
                  "first_response_due_at", "first_responded_at", "resolution_target_seconds", "calendar_kind",
                  "resolution_due_at", "paused_seconds", "paused_since", "escalation_level", "next_escalation_at",
                  "duplicate_of", "promised_reply_at", "callback_done", "open_supervision_count",
                  "resolved_at", "closed_at", "created_at", "updated_at")
    timeline_cols = ("id", "work_order_id", "at", "actor_work_id", "kind", "summary", "changes")
    audit_cols = ("id", "at", "actor_work_id", "action", "object_type", "object_id", "before", "after", "ip")
    sup_cols = ("id", "work_order_id", "department_id", "status", "deadline", "note", "receipt_text", "answered_at",
                "answered_by_work_id", "escalated", "created_by_work_id", "created_at", "company_id")
    cb_cols = ("id", "work_order_id", "reached", "satisfaction", "note", "by_work_id", "created_at")
    note_cols = ("id", "recipient_work_id", "recipient_role", "work_order_id", "message", "created_at", "company_id")

    # orders per local day, weekdays busier, the last day only up to now
    days = 365
    weights = []
    for d in range(days):
        day_start = (datetime.fromtimestamp(now, TZ) - timedelta(days=d)).replace(hour=0, minute=0, second=0, microsecond=0)
        w = 1.0 if day_start.weekday() < 5 else 0.6
        if d == 0:
            w *= max(0.05, (now - day_start.timestamp()) / DAY)
        weights.append((day_start, w))
    total_w = sum(w for _, w in weights)
    plan = []
    left = n_orders
    for i, (day_start, w) in enumerate(weights):
        k = left if i == days - 1 else min(left, int(round(n_orders * w / total_w)))
        left -= k
        plan.append((day_start, k))
    plan.reverse()  # oldest first

    liaison_of = ctx["liaisons"]
    counts = {"orders": 0, "timeline": 0, "audit": 0, "supervision": 0, "callbacks": 0, "notifications": 0}
    batch = {"work_orders": [], "timeline_events": [], "audit_events": [], "supervision_orders": [], "callbacks": [], "notifications": []}
    flush_at = 20000

    def flush(force=False):
        if not force and len(batch["work_orders"]) < flush_at:
            return
        sink.rows("work_orders", order_cols, batch["work_orders"])
        sink.rows("timeline_events", timeline_cols, batch["timeline_events"])
        sink.rows("audit_events", audit_cols, batch["audit_events"])
        sink.rows("supervision_orders", sup_cols, batch["supervision_orders"])
        sink.rows("callbacks", cb_cols, batch["callbacks"])
        sink.rows("notifications", note_cols, batch["notifications"])
        for k in batch:
            batch[k] = []

    tl, au = batch["timeline_events"], batch["audit_events"]

    def event(oid, at, actor, kind, summary, changes=None):
        ch = json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else "{}"
        tl.append((uid(), oid, at, actor, kind, summary, ch))
        before = after = None
        if changes:
            before = json.dumps({k: v["from"] for k, v in changes.items()}, ensure_ascii=False, sort_keys=True)
            after = json.dumps({k: v["to"] for k, v in changes.items()}, ensure_ascii=False, sort_keys=True)
        au.append((uid(), at, actor, "work_order." + kind, "work_order", oid, before, after, "127.0.0.1"))
        counts["timeline"] += 1
        counts["audit"] += 1

    def notify(oid, number, subject, level, percent, owner, at):
        message = f"工单 {number}「{subject}」时限已用 {percent}%（升级第 {level} 级）"
        if level == 1:
            batch["notifications"].append((uid(), owner, None, oid, message, at, None))
        else:
            batch["notifications"].append((uid(), None, "shift_lead" if level == 2 else "team_lead", oid, message, at, hq))
        who = {1: "首问负责人", 2: "值班长", 3: "班组长"}[level]
        event(oid, at, None, "escalated", f"时限已用 {percent}%，升级至第 {level} 级，通知{who}",
              {"escalationLevel": {"from": str(level - 1), "to": str(level)}})
        counts["notifications"] += 1

    for day_start, k in plan:
        day_key = day_start.strftime("%Y-%m-%d")
        ymd = day_start.strftime("%Y%m%d")
        seq = counters.get(day_key, 0)
        t0 = day_start.timestamp()
        span = min(DAY, now - t0 - 60) if t0 + DAY > now else DAY
        # calls come in from 08:00 to 22:00 mostly
        times = sorted(t0 + (8 * HOUR + rng.random() * 14 * HOUR if rng.random() < 0.93 else rng.random() * DAY) for _ in range(k))
        times = [min(t, t0 + span) for t in times]
        for created in times:
            seq += 1
            oid = uid()
            number = f"GD{ymd}-{seq:04d}"
            type_ = weighted(rng, TYPES)
            channel = "field" if type_ == "fault" else weighted(rng, CHANNELS)
            cust_id, branch, c_address, tier = customers[int(rng.random() ** 1.3 * n_customers)]
            priority = weighted(rng, PRIORITIES)
            if tier == "vip":
                priority = {"low": "normal", "normal": "high"}.get(priority, "urgent")
            first_s, target_s, cal = sla(type_, priority)
            subject = rich_subject(rng, type_) if rich else rng.choice(SUBJECTS[type_])
            description = rich_description(rng, subject) if rich else f"客户来电反映：{subject}。已核实客户身份，详细情况见记录。"
            owner = agents[int(rng.random() ** 1.2 * len(agents))]
            needs_visit = channel == "field" or type_ == "fault"
            age = now - created
            # how far the order got: 0 open, 1 transferred, 2 pending customer, 3 resolved, 4 closed
            active = (0.5 if age < DAY else 0.2 if age < 3 * DAY else 0.05 if age < 14 * DAY else 0.01 if age < 60 * DAY else 0.001)
            if rng.random() < active:
                roll = rng.random()
                stage = 0 if roll < 0.45 else 1 if roll < 0.6 else 2 if roll < 0.8 else 3
            else:
                stage = 4
            due_wall = created + wall(target_s, cal)
            first_due = created + wall(first_s, cal)
            responded = created + min(age * 0.5, rng.random() * first_s) if (stage > 0 or rng.random() < 0.8) else None
            o = {"status": "open", "resolution_due_at": due_wall, "paused_since": None, "escalation_level": 0,
                 "next_escalation_at": None, "callback_done": 0, "open_sup": 0, "resolved_at": None, "closed_at": None,
                 "updated_at": created}
            event(oid, created, owner, "created", f"创建{TYPE_LABEL[type_]}工单（{CHANNEL_LABEL[channel]}），首问负责人 {owner}")
            t1 = created + min(age * 0.3, 3 * HOUR)
            if stage == 1 or (stage >= 3 and type_ != "consultation" and rng.random() < 0.25):
                dep_name, dep_id = deps[int(rng.random() * len(deps))]
                note = f"请协助核查处理：{subject}"
                deadline = t1 + DAY
                event(oid, t1, owner, "transferred", f"派发督办单至{dep_name}：{note}")
                if stage == 1:
                    o["status"] = "transferred"
                    o["open_sup"] = 1
                    overdue = deadline <= now
                    batch["supervision_orders"].append((uid(), oid, dep_id, "open", deadline, note, None, None, None,
                                                        1 if overdue else 0, owner, t1, hq))
                    if overdue:
                        event(oid, deadline, None, "supervision_overdue", f"{dep_name}督办单已超时未回单，已上报值班长")
                        batch["notifications"].append((uid(), None, "shift_lead", oid, f"{dep_name}督办单超时：工单 {number}", deadline, hq))
                        counts["notifications"] += 1
                else:
                    t2 = t1 + min(age * 0.2, 6 * HOUR)
                    by = liaison_of.get(dep_name, "5001")
                    batch["supervision_orders"].append((uid(), oid, dep_id, "answered", deadline, note, "已核查处理完毕，请回访客户。",
                                                        t2, by, 0, owner, t1, hq))
                    event(oid, t2, by, "receipt", f"{dep_name}回单：已核查处理完毕，请回访客户。")
                    o["updated_at"] = t2
                counts["supervision"] += 1
            if stage == 2:
                o["status"] = "pending_customer"
                o["paused_since"] = t1
                o["resolution_due_at"] = None
                o["updated_at"] = t1
                event(oid, t1, owner, "status_changed", "状态：处理中 → 待客户反馈（时限暂停计时）",
                      {"status": {"from": "open", "to": "pending_customer"}})
            if stage >= 3:
                t3 = created + min(age * 0.6, rng.random() ** 2 * wall(target_s, cal) * 1.1 + 600)
                o.update(status="resolved", resolved_at=t3, paused_since=t3, resolution_due_at=None, updated_at=t3)
                event(oid, t3, owner, "status_changed", "状态：处理中 → 已解决", {"status": {"from": "open", "to": "resolved"}})
            # escalation: how much of the SLA time ran before the clock stopped (or until now)
            stop = o["paused_since"] if o["paused_since"] is not None else now
            used = (stop - created) / max(1.0, wall(target_s, cal))
            level = 3 if used >= 1.5 else 2 if used >= 1.0 else 1 if used >= 0.8 else 0
            for lv, pct, frac in ((1, 80, 0.8), (2, 100, 1.0), (3, 150, 1.5)):
                if level >= lv:
                    notify(oid, number, subject, lv, pct, owner, created + wall(target_s, cal) * frac)
            o["escalation_level"] = level
            if o["paused_since"] is None and level < 3:
                # the next step, always in the future here (the sweeper has nothing due)
                nxt = created + wall(target_s, cal) * {0: 0.8, 1: 1.0, 2: 1.5}[level]
                o["next_escalation_at"] = max(nxt, now + HOUR)
            if stage == 4:
                t4 = (o["resolved_at"] or created) + min(age * 0.1, HOUR * (1 + rng.random() * 20))
                if rng.random() < 0.6:
                    sat = rng.choice((5, 5, 4, 4, 3, 5, 2))
                    batch["callbacks"].append((uid(), oid, 1, sat, "客户确认问题已解决", "1201", t4))
                    counts["callbacks"] += 1
                    event(oid, t4, "1201", "callback", f"回访：已联系上客户，满意度 {sat}/5")
                    o["callback_done"] = 1
                closed = min(t4 + 300, now - 1)
                o.update(status="closed", closed_at=closed, updated_at=closed)
                event(oid, closed, owner, "closed", "工单已关闭", {"status": {"from": "resolved", "to": "closed"}})
            batch["work_orders"].append((
                oid, hq, branch, number, type_, channel, o["status"], priority, subject,
                description, owner, owner, cust_id,
                c_address if needs_visit else None, 1 if needs_visit else 0,
                first_due, responded, target_s, cal, o["resolution_due_at"], 0, o["paused_since"], o["escalation_level"],
                o["next_escalation_at"], None, None, o["callback_done"], o["open_sup"], o["resolved_at"], o["closed_at"],
                created, o["updated_at"]))
            counts["orders"] += 1
            flush()
        counters[day_key] = seq
        sink.progress(counts)
    flush(force=True)
    sink.counters(counters)
    return counts


# ---------------------------------------------------------------------------------------
# SQLite

SQLITE_TABLES = ("work_orders", "timeline_events", "audit_events", "supervision_orders", "callbacks", "notifications", "customers")


class SQLiteSink:
    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-400000")
        self.db.execute("PRAGMA temp_store=MEMORY")
        # Secondary indexes are dropped for the load and rebuilt at the end (much faster).
        self.indexes = self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN (%s)"
            % ",".join("?" * len(SQLITE_TABLES)), SQLITE_TABLES).fetchall()
        for name, _ in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')
        self.db.execute("BEGIN")
        self.pending = 0
        self.last = time.time()

    def context(self):
        q = self.db.execute
        hq = q("SELECT id FROM companies WHERE code='HQ'").fetchone()[0]
        branches = dict(q("SELECT code, id FROM branches WHERE company_id=?", (hq,)).fetchall())
        deps = q("SELECT name, id FROM departments WHERE company_id=? ORDER BY name", (hq,)).fetchall()
        agents = [r[0] for r in q("SELECT work_id FROM users WHERE company_id=? AND role IN ('agent','vip_agent','outbound_agent') "
                                  "AND active ORDER BY work_id", (hq,))]
        liaisons = {}
        for work_id, dep in q("SELECT u.work_id, d.name FROM users u JOIN departments d ON d.id=u.department_id WHERE u.role='liaison'"):
            liaisons.setdefault(dep, work_id)
        counters = {k[len("work_order:"):]: v for k, v in q("SELECT key, value FROM counters WHERE key LIKE 'work_order:%'")}
        return {"hq": hq, "branches": branches, "departments": deps, "agents": agents, "liaisons": liaisons, "counters": counters}

    def rows(self, table, cols, rows):
        if not rows:
            return
        self.db.executemany(f'INSERT INTO "{table}" ({",".join(cols)}) VALUES ({",".join("?" * len(cols))})', rows)
        self.pending += len(rows)
        if self.pending > 500_000:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self.pending = 0

    def counters(self, counters):
        self.db.executemany("INSERT INTO counters (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            [("work_order:" + k, v) for k, v in counters.items()])

    def progress(self, counts):
        if time.time() - self.last > 10:
            self.last = time.time()
            print(f"  ... {counts['orders']} orders", file=sys.stderr, flush=True)

    def finish(self):
        self.db.execute("COMMIT")
        t = time.time()
        for name, sql in self.indexes:
            self.db.execute(sql)
        # No ANALYZE: the server never runs it, so its query planner works without
        # sqlite_stat1 in production, and so it does here.
        print(f"  indexes rebuilt in {time.time() - t:.1f}s", file=sys.stderr)
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


# ---------------------------------------------------------------------------------------
# PostgreSQL (psql COPY)

class PGSink:
    def __init__(self, url, workdir):
        self.url = url
        self.workdir = workdir
        self.files = {}
        self.types = {}
        self.last = time.time()
        for table in SQLITE_TABLES:
            out = self.psql(f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name='{table}'")
            self.types[table] = dict(line.split("|", 1) for line in out.splitlines() if line)

    def psql(self, sql, stdin=None):
        r = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], input=stdin,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"psql failed: {sql[:200]}\n{r.stderr}")
        return r.stdout

    def context(self):
        def rows(sql):
            return [line.split("|") for line in self.psql(sql).splitlines() if line]
        hq = rows("SELECT id FROM companies WHERE code='HQ'")[0][0].upper()
        branches = {c: i.upper() for c, i in rows(f"SELECT code, id FROM branches WHERE company_id='{hq}'")}
        deps = [(n, i.upper()) for n, i in rows(f"SELECT name, id FROM departments WHERE company_id='{hq}' ORDER BY name")]
        agents = [r[0] for r in rows(f"SELECT work_id FROM users WHERE company_id='{hq}' AND role IN ('agent','vip_agent','outbound_agent') "
                                     "AND active ORDER BY work_id")]
        liaisons = {}
        for work_id, dep in rows("SELECT u.work_id, d.name FROM users u JOIN departments d ON d.id=u.department_id WHERE u.role='liaison'"):
            liaisons.setdefault(dep, work_id)
        counters = {k[len("work_order:"):]: int(v) for k, v in rows("SELECT key, value FROM counters WHERE key LIKE 'work_order:%'")}
        return {"hq": hq, "branches": branches, "departments": deps, "agents": agents, "liaisons": liaisons, "counters": counters}

    @staticmethod
    def text(v, kind):
        if v is None:
            return r"\N"
        if kind.startswith("timestamp"):
            return datetime.fromtimestamp(v, timezone.utc).isoformat()
        if kind == "boolean":
            return "t" if v else "f"
        s = str(v)
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    def rows(self, table, cols, rows):
        if not rows:
            return
        if table not in self.files:
            self.files[table] = (open(os.path.join(self.workdir, table + ".tsv"), "w", encoding="utf-8"), cols)
        f, _ = self.files[table]
        kinds = [self.types[table][c] for c in cols]
        f.write("".join("\t".join(self.text(v, k) for v, k in zip(row, kinds)) + "\n" for row in rows))

    def counters(self, counters):
        self.counter_rows = counters

    def progress(self, counts):
        SQLiteSink.progress(self, counts)

    def finish(self):
        indexes = [line.split("|", 1) for line in self.psql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname='public' AND tablename IN (%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)" % ",".join(f"'{t}'" for t in SQLITE_TABLES)).splitlines() if line]
        for name, _ in indexes:
            self.psql(f'DROP INDEX "{name}"')
        t = time.time()
        for table in ("customers", "work_orders", "timeline_events", "audit_events", "supervision_orders", "callbacks", "notifications"):
            if table not in self.files:
                continue
            f, cols = self.files[table]
            f.close()
            cmd = f"\\copy {table} ({','.join(cols)}) FROM '{f.name}'"
            r = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", cmd], capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"COPY {table} failed:\n{r.stderr}")
            os.unlink(f.name)
        print(f"  COPY in {time.time() - t:.1f}s", file=sys.stderr)
        values = ",".join(f"('work_order:{k}',{v})" for k, v in self.counter_rows.items())
        self.psql(f"INSERT INTO counters (key, value) VALUES {values} ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        t = time.time()
        for _, sql in indexes:
            self.psql(sql)
        self.psql("ANALYZE")  # what autovacuum does on its own after a load this size
        print(f"  indexes rebuilt + ANALYZE in {time.time() - t:.1f}s", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sqlite", help="path of the SQLite file `kefu demo` created")
    ap.add_argument("--pg-url", help="postgres://… of the database `kefu demo` set up")
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--now", type=float, default=None, help="epoch seconds the year ends at (default: now)")
    ap.add_argument("--workdir", default=None, help="scratch directory for PostgreSQL's COPY files")
    ap.add_argument("--customers", type=int, default=None, help="customers to load (default: orders / 10)")
    ap.add_argument("--rich-text", action="store_true", help="varied subjects, descriptions, names and phones (Benchmarks/search)")
    a = ap.parse_args()
    if bool(a.sqlite) == bool(a.pg_url):
        ap.error("give exactly one of --sqlite and --pg-url")
    now = a.now or time.time() - 120
    start = time.time()
    if a.sqlite:
        sink = SQLiteSink(a.sqlite)
    else:
        workdir = a.workdir or os.path.dirname(os.path.abspath(__file__))
        sink = PGSink(a.pg_url, workdir)
    counts = generate(sink.context(), a.orders, a.seed, now, sink, n_customers=a.customers, rich=a.rich_text)
    sink.finish()
    secs = time.time() - start
    print("pages_load db=%s orders=%d timeline=%d audit=%d supervision=%d callbacks=%d notifications=%d seconds=%.1f" % (
        "sqlite" if a.sqlite else "postgres", counts["orders"], counts["timeline"], counts["audit"], counts["supervision"],
        counts["callbacks"], counts["notifications"], secs))


if __name__ == "__main__":
    main()
