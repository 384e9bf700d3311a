import Vapor
import Fluent
import KefuCore

/// The demo center: the operating company HQ with two branches (本部 and 宁波分公司),
/// departments, a user in every role, ~50 customers and ~200 orders in all states over the
/// last 60 days; and a small client company (`DemoCompanies`) so the separation shows.
/// Loaded only into an empty database, so restarting `kefu demo` keeps whatever people did.
struct DemoData {
    let app: Application
    static let password = "demo1234"

    struct DemoUser { var workId: String; var name: String; var role: String; var department: String? }
    static let users: [DemoUser] = [
        .init(workId: "1001", name: "李娜", role: "agent"), .init(workId: "1002", name: "王芳", role: "agent"),
        .init(workId: "1003", name: "张伟", role: "agent"), .init(workId: "1101", name: "刘洋", role: "vip_agent"),
        .init(workId: "1201", name: "陈静", role: "outbound_agent"), .init(workId: "2001", name: "杨磊", role: "team_lead"),
        .init(workId: "3001", name: "赵敏", role: "shift_lead"), .init(workId: "3002", name: "钱峰", role: "shift_lead"), .init(workId: "4001", name: "黄丽", role: "qc_inspector"),
        .init(workId: "4101", name: "周杰", role: "knowledge_editor"), .init(workId: "4201", name: "吴婷", role: "complaint_handler"),
        .init(workId: "5001", name: "徐强", role: "liaison", department: "技术部"),
        .init(workId: "5002", name: "孙莉", role: "liaison", department: "财务部"),
        .init(workId: "5003", name: "马超", role: "liaison", department: "售后部"),
        .init(workId: "6001", name: "朱琳", role: "planner"), .init(workId: "8001", name: "何静", role: "counter_clerk"),
        .init(workId: "8101", name: "孙建", role: "technician"), .init(workId: "8102", name: "郑磊", role: "technician"),
        .init(workId: "9001", name: "管理员", role: "admin"),
    ]

    /// Three months of revenue per customer, as finance would send them, and one re-tiering
    /// run (R5.2): the figures agree with most customers' tiers, two customers move (one up
    /// to 重要客户, one VIP down), so the tier page and those customers' logs show a run.
    static func loadCustomerValues(_ customers: [Customer], company: UUID, on db: Database, now: Date, timeZone: TimeZone) async throws {
        let tiering = CustomerTiering(company: try await WorkforceCompany.of(company, in: .system(db)), now: now, timeZone: timeZone)
        var rows: [CustomerValueRow] = []
        for (i, c) in customers.enumerated() {
            var monthly: Int
            switch c.tier {
            case .vip: monthly = 40_000_00 + i * 1_000_00
            case .major: monthly = 8_000_00 + i * 100_00
            case .normal, .small: monthly = 500_00 + i * 10_00
            }
            if i == 3 { monthly = 7_500_00 }     // a normal customer who now spends like a major one
            if i == 20 { monthly = 2_000_00 }    // a VIP whose business fell away
            for back in 1...3 {
                rows.append(CustomerValueRow(line: rows.count + 2, phone: c.phone, period: tiering.thisMonth.adding(months: -back),
                                             revenueFen: monthly, profitFen: monthly / 5))
            }
        }
        _ = try await tiering.importValues(rows, by: "demo")
        _ = try await tiering.retier(month: tiering.thisMonth, actor: "system")
    }

    /// Three entries on the special-customers list (R5.3): a VIP, a key account whose review
    /// is due this week with a service expiring, and a group with a visit tomorrow.
    static func loadSpecialCustomers(_ customers: [Customer], company: UUID, on db: Database, now: Date, timeZone: TimeZone) async throws {
        let today = LocalDay(now, in: timeZone)
        let entries: [(Int, SpecialCategory, String, Int, String?)] = [
            (0, .vip, "2001", 120, "VIP 专线"), (5, .keyAccount, "2001", 3, "大客户专线"), (15, .group, "1002", 60, nil),
        ]
        for (i, category, owner, days, channel) in entries where i < customers.count {
            guard let customerID = customers[i].id else { continue }
            let e = SpecialCustomer()
            e.id = UUID(); e.companyID = company; e.customerID = customerID; e.category = category; e.ownerWorkId = owner
            e.reviewOn = today.adding(days: days).description; e.dedicatedChannel = channel; e.createdBy = "demo"; e.createdAt = now
            try await e.create(on: db)
        }
        if customers.count > 15, let keyAccount = customers[5].id, let group = customers[15].id {
            let p = CustomerProduct()
            p.id = UUID(); p.companyID = company; p.customerID = keyAccount; p.name = "企业专线 100M"
            p.startedOn = today.adding(days: -340).description; p.expiresOn = today.adding(days: 25).description
            p.createdBy = "demo"; p.createdAt = now
            try await p.create(on: db)
            let v = CustomerVisit()
            v.id = UUID(); v.companyID = company; v.customerID = group; v.dueOn = today.adding(days: 1).description
            v.purpose = "季度回访：集团宽带使用情况"; v.ownerWorkId = "1002"; v.createdBy = "demo"; v.createdAt = now
            try await v.create(on: db)
        }
    }

    func loadIfEmpty() async throws -> Bool {
        guard try await TenantData.system(app.db).query(User.self).count() == 0 else { return false }
        try await load()
        return true
    }

    func load() async throws {
        let db = app.db
        let now = app.kefu.clock.now()
        let tz = app.kefu.settings.timeZone
        var rng = SeededGenerator(seed: 20261123)
        let admin = UserAdmin(db: db, now: now)
        let hash = try app.password.sync.hash(Self.password)
        let places = try await DemoCompanies(app: app).setUp()
        let companyID = places.hq, branchID: UUID? = places.main
        for name in ["技术部", "财务部", "售后部", "网络维护中心"] { _ = try await admin.department(named: name, company: companyID, branch: branchID) }
        for u in Self.users {
            var depID: UUID?
            if let d = u.department { depID = try await admin.department(named: d, company: companyID, branch: branchID).id }
            guard let role = Role(rawValue: u.role) else { continue }
            try await User(workId: u.workId, name: u.name, role: role, passwordHash: hash, departmentID: depID,
                           companyID: companyID, branchID: branchID, createdAt: now).create(on: db)
        }
        // 一组, led by 杨磊 (2001): the inbound and VIP agents; the outbound agent is in no team yet.
        let teams = TeamDirectory(company: try await WorkforceCompany.of(companyID, in: .system(db)), now: now)
        let team = try await teams.create(.init(name: "一组", lead: "2001"), by: "9001")
        _ = try await teams.add(try team.requireID(), workIds: "1001, 1002, 1003, 1101", by: "9001")
        for e in HolidayDefaults.year2026 {
            try await HolidayRecord(day: e.day.description, name: e.name, makeupWorkday: e.isMakeupWorkday).create(on: db)
        }
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
        let given = ["建国", "秀英", "志强", "丽娟", "海燕", "文博", "晓明", "雪梅", "国华", "春花"]
        let cities = [("杭州市", "西湖区", "文三路"), ("杭州市", "滨江区", "江南大道"), ("宁波市", "鄞州区", "天童南路"), ("温州市", "鹿城区", "人民路")]
        var customers: [Customer] = []
        for i in 0..<50 {
            let name = String(surnames[i % surnames.count]) + given[(i * 7) % given.count]
            let (city, district, street) = cities[i % cities.count]
            let address = Address(city: city, district: district, town: nil, street: street, estate: "阳光小区",
                                  building: String(1 + i % 12), unit: String(1 + i % 3), floor: String(1 + i % 18),
                                  door: String(101 + i % 6), landmark: i % 2 == 0 ? "近地铁站" : nil)
            let tier: CustomerTier = i % 10 == 0 ? .vip : (i % 5 == 0 ? .major : .normal)
            let c = Customer(name: name, phone: "13\(String(format: "%09d", 800_138_000 + i * 7919))", phone2: nil, idNumberSealed: nil,
                             tier: tier, address: address, now: now.addingTimeInterval(-61 * 86400))
            // Callers from Ningbo belong to the Ningbo branch, so the branch column has two values.
            c.companyID = companyID; c.branchID = city == "宁波市" ? places.ningbo : branchID
            try await c.create(on: db)
            customers.append(c)
        }
        try await Self.loadCustomerValues(customers, company: companyID, on: db, now: now, timeZone: tz)
        try await Self.loadSpecialCustomers(customers, company: companyID, on: db, now: now, timeZone: tz)
        let deps = try await TenantData(scope: .companies([companyID]), db: db).query(Department.self).sort(\.$name).all()
        let agents = ["1001", "1002", "1003", "1101", "1201"]
        let subjects: [WorkOrderType: [String]] = [
            .consultation: ["咨询宽带资费套餐", "咨询营业厅营业时间", "咨询国际漫游开通方式"],
            .query: ["查询本月话费明细", "查询积分余额", "查询订单物流进度"],
            .complaint: ["投诉宽带经常断线", "投诉装维人员未按约上门", "投诉话费多扣"],
            .suggestion: ["建议增加夜间人工服务", "建议优化手机营业厅界面"],
            .business: ["办理套餐变更", "办理宽带移机", "办理发票重开"],
            .fault: ["宽带无法上网", "电视机顶盒无信号", "固话无拨号音"],
        ]
        for _ in 0..<200 {
            let type = WorkOrderType.allCases[rng.next(6)]
            let channel: KefuCore.Channel = type == .fault ? .field : [KefuCore.Channel.phone, .phone, .phone, .chat, .email, .voicemail, .counter][rng.next(7)]
            let created = now.addingTimeInterval(-Double(rng.next(60 * 24 * 60)) * 60 - 600)
            let customer = customers[rng.next(customers.count)]
            let owner = agents[rng.next(agents.count)]
            let priority = customer.tier.raise(.normal)
            let policy = SLAPolicy.defaultPolicy(type: type, priority: priority)
            let calendar = try await SLAService(db: db, timeZone: tz).calendar(policy.calendar)
            let o = WorkOrder()
            o.id = UUID(); o.companyID = companyID; o.branchID = customer.branchID
            o.number = try await WorkOrderService.nextNumber(db: db, now: created, timeZone: tz)
            o.type = type.rawValue; o.channel = channel.rawValue; o.priority = priority.rawValue
            let list = subjects[type]!
            o.subject = list[rng.next(list.count)]
            o.description = "客户来电反映：\(o.subject)。已核实客户身份，详细情况见记录。"
            o.ownerWorkId = owner; o.createdByWorkId = owner; o.$customer.id = customer.id!
            o.needsVisit = channel == .field || type == .fault
            o.address = o.needsVisit ? customer.address : nil
            o.firstResponseDueAt = calendar.adding(seconds: policy.firstResponseSeconds, to: created)
            o.firstRespondedAt = created
            o.resolutionTargetSeconds = policy.resolutionSeconds; o.calendarKind = policy.calendar.rawValue
            o.pausedSeconds = 0; o.escalationLevel = 0; o.callbackDone = false; o.openSupervisionCount = 0
            o.createdAt = created; o.updatedAt = created; o.status = "open"
            var timer = SLATimer(start: created, targetSeconds: policy.resolutionSeconds, calendar: calendar)
            let h = History(db: db, actorWorkId: owner, ip: nil, now: created)
            // Older orders are mostly finished; recent ones are still being worked.
            let age = now.timeIntervalSince(created)
            let roll = rng.next(100)
            let stage: Int = age > 5 * 86400 ? (roll < 85 ? 4 : roll < 92 ? 3 : 2) : (roll < 35 ? 0 : roll < 55 ? 1 : roll < 70 ? 2 : roll < 85 ? 3 : 4)
            try await o.create(on: db)
            try await h.workOrder(o.id!, kind: "created", summary: "创建\(type.label)工单（\(channel.label)），首问负责人 \(owner)")
            let t1 = created.addingTimeInterval(min(age * 0.3, 3 * 3600))
            if stage == 1 || (stage >= 3 && type != .consultation && rng.next(2) == 0) {
                let dep = deps[rng.next(deps.count)]
                let s = SupervisionOrder()
                s.id = UUID(); s.companyID = companyID; s.$workOrder.id = try o.requireID(); s.$department.id = try dep.requireID(); s.status = "open"
                s.deadline = t1.addingTimeInterval(24 * 3600); s.note = "请协助核查处理：\(o.subject)"; s.escalated = false
                s.createdByWorkId = owner; s.createdAt = t1
                try await History(db: db, actorWorkId: owner, ip: nil, now: t1).workOrder(o.id!, kind: "transferred", summary: "派发督办单至\(dep.name)：\(s.note)")
                if stage == 1 {
                    o.status = "transferred"; o.openSupervisionCount = 1
                } else {
                    let t2 = t1.addingTimeInterval(min(age * 0.2, 6 * 3600))
                    s.status = "answered"; s.receiptText = "已核查处理完毕，请回访客户。"; s.answeredAt = t2
                    s.answeredByWorkId = Self.users.first { $0.department == dep.name }?.workId ?? "5001"
                    try await History(db: db, actorWorkId: s.answeredByWorkId, ip: nil, now: t2).workOrder(o.id!, kind: "receipt", summary: "\(dep.name)回单：\(s.receiptText!)")
                }
                try await s.create(on: db)
            }
            if stage == 2 {
                o.status = "pending_customer"; timer.pause(at: t1)
                try await History(db: db, actorWorkId: owner, ip: nil, now: t1).workOrder(o.id!, kind: "status_changed", summary: "状态：处理中 → 待客户反馈（时限暂停计时）")
            }
            if stage >= 3 {
                let t3 = created.addingTimeInterval(min(age * 0.6, 20 * 3600))
                o.status = "resolved"; o.resolvedAt = t3; timer.pause(at: t3)
                try await History(db: db, actorWorkId: owner, ip: nil, now: t3).workOrder(o.id!, kind: "status_changed", summary: "状态：处理中 → 已解决")
            }
            if stage == 4 {
                let t4 = created.addingTimeInterval(min(age * 0.8, 30 * 3600))
                let sat = [5, 5, 4, 4, 3, 5][rng.next(6)]
                let cb = CallbackRecord()
                cb.id = UUID(); cb.$workOrder.id = o.id!; cb.reached = true; cb.satisfaction = sat; cb.note = "客户确认问题已解决"
                cb.byWorkId = "1201"; cb.createdAt = t4
                try await cb.create(on: db)
                try await History(db: db, actorWorkId: "1201", ip: nil, now: t4).workOrder(o.id!, kind: "callback", summary: "回访：已联系上客户，满意度 \(sat)/5")
                o.callbackDone = true; o.status = "closed"; o.closedAt = t4.addingTimeInterval(300)
                try await History(db: db, actorWorkId: owner, ip: nil, now: o.closedAt!).workOrder(o.id!, kind: "closed", summary: "工单已关闭")
            }
            SLAService.apply(timer, to: o)
            o.updatedAt = o.closedAt ?? o.resolvedAt ?? t1
            try await o.save(on: db)
        }
        // Escalations that fell due in the past fire now, through the same sweeper as always.
        try await DeadlineSweeper(db: db, now: now, timeZone: tz, logger: app.logger).sweep(batch: 10_000)
        try await DemoCompanies(app: app).loadClient(places, passwordHash: hash)
        try await DemoContacts(app: app).load()
        try await DemoLive(app: app).load()
        try await DemoWorkforce(app: app).load(passwordHash: hash, companyID: companyID, branchID: branchID)
        try await DemoAttendance(app: app).load(companyID: companyID)
        try await DemoKnowledge(app: app).load(companyID: companyID, editorWorkId: "4101")
        try await DemoCounter(app: app).load(companyID: companyID, branchID: places.main)
        try await DemoVisits(app: app).load(companyID: companyID)
        try await DemoOutbound(app: app).load(companyID: companyID)
    }
}

/// Reproducible demo data: the same center on every machine.
struct SeededGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ upper: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(upper))
    }
}
