import Vapor
import Fluent
import KefuCore

/// The demo's two companies (R11.1, R11.2): the operating company HQ (the center itself,
/// named by `KEFU_COMPANY`) with its 本部 and a 宁波分公司 of its own hotline, and a small
/// client company 星河物业 (XH) with one branch, three people and a few customers and
/// orders. The demo admin 9001 and agent 1002 are granted XH, so the company switcher and
/// the mixed 公司 columns show.
struct DemoCompanies {
    let app: Application

    struct Places { var hq: UUID; var main: UUID; var ningbo: UUID; var client: UUID; var clientBranch: UUID }

    static let clientCode = "XH"
    static let clientName = "星河物业"
    /// Printed in the demo's login list, like `DemoData.users`.
    static let users: [DemoData.DemoUser] = [
        .init(workId: "7001", name: "林晓", role: "agent"), .init(workId: "7002", name: "曹敏", role: "admin"),
        .init(workId: "7003", name: "何平", role: "shift_lead"),
    ]
    /// People of HQ who also work for the client company.
    static let granted = ["9001", "1002"]

    func setUp() async throws -> Places {
        let db = app.db
        let now = app.kefu.clock.now()
        let admin = CompanyAdmin(tenant: .system(db), history: nil, now: now)
        let hq = try await admin.tenant.company(code: M014_CreateCompaniesAndBranches.defaultCompanyCode)
        let hqID = try hq.requireID()
        try await admin.updateCompany(hq, name: app.kefu.settings.companyName, hotline: "10086")
        let main = try await admin.tenant.branch(code: M014_CreateCompaniesAndBranches.defaultBranchCode, company: hqID)
        try await admin.updateBranch(main, company: hq, name: main.name, hotline: "0571-10086", welcome: main.welcome)
        let ningbo = try await admin.addBranch(company: hq, code: "NB", name: "宁波分公司", hotline: "0574-10086")
        let client = try await admin.addCompany(code: Self.clientCode, name: Self.clientName, hotline: "400-820-5566")
        let clientBranch = try await admin.addBranch(company: client, code: "HZ", name: "杭州分公司", hotline: "0571-85205566",
                                                     welcome: "您好，欢迎致电{company}{branch}，物业报修请按 1")
        return Places(hq: hqID, main: try main.requireID(), ningbo: try ningbo.requireID(),
                      client: try client.requireID(), clientBranch: try clientBranch.requireID())
    }

    /// The client company's people, department, customers and orders, and the grants.
    func loadClient(_ p: Places, passwordHash: String) async throws {
        let db = app.db
        let now = app.kefu.clock.now()
        let tz = app.kefu.settings.timeZone
        let users = UserAdmin(db: db, now: now)
        let dep = try await users.department(named: "工程维修部", company: p.client, branch: p.clientBranch)
        for u in Self.users {
            guard let role = Role(rawValue: u.role) else { continue }
            try await User(workId: u.workId, name: u.name, role: role, passwordHash: passwordHash, departmentID: nil,
                           companyID: p.client, branchID: p.clientBranch, createdAt: now).create(on: db)
        }
        let admin = CompanyAdmin(tenant: .system(db), history: nil, now: now)
        let client = try await admin.tenant.company(p.client)
        for workId in Self.granted { _ = try await admin.grant(workId: workId, company: client) }

        var customers: [Customer] = []
        for (i, name) in ["沈佳怡", "蒋文涛", "韩雪", "秦海峰", "许丽华"].enumerated() {
            let address = Address(city: "杭州市", district: "拱墅区", town: nil, street: "莫干山路", estate: "星河湾小区",
                                  building: String(3 + i), unit: "1", floor: String(2 + i * 3), door: String(201 + i), landmark: nil)
            let c = Customer(name: name, phone: "1590571\(String(format: "%04d", 2301 + i * 37))", phone2: nil, idNumberSealed: nil,
                             tier: i == 0 ? .vip : .normal, address: address, now: now.addingTimeInterval(-30 * 86400))
            c.companyID = p.client; c.branchID = p.clientBranch
            try await c.create(on: db)
            customers.append(c)
        }
        let orders: [(WorkOrderType, String, String, Int, String)] = [
            (.fault, "电梯停在 8 楼不动", "7001", 2, "open"), (.fault, "地下车库照明不亮", "1002", 26, "resolved"),
            (.complaint, "投诉夜间装修噪音", "7001", 5, "open"), (.consultation, "咨询物业费缴纳方式", "1002", 50, "closed"),
            (.fault, "楼道水管渗水", "7001", 70, "closed"), (.suggestion, "建议增加快递柜", "7001", 120, "closed"),
            (.business, "办理门禁卡补办", "1002", 8, "pending_customer"), (.query, "查询停车月卡到期日", "7001", 200, "closed"),
        ]
        let sla = SLAService(db: db, timeZone: tz)
        for (i, spec) in orders.enumerated() {
            let (type, subject, owner, hoursAgo, status) = spec
            let created = now.addingTimeInterval(-Double(hoursAgo) * 3600)
            let customer = customers[i % customers.count]
            let priority = customer.tier.raise(.normal)
            let policy = try await sla.policy(type: type, priority: priority, company: p.client, branch: p.clientBranch)
            let o = WorkOrder()
            o.id = UUID(); o.companyID = p.client; o.branchID = p.clientBranch
            o.number = try await WorkOrderService.nextNumber(db: db, now: created, timeZone: tz)
            o.type = type.rawValue; o.channel = type == .fault ? KefuCore.Channel.field.rawValue : KefuCore.Channel.phone.rawValue
            o.priority = priority.rawValue; o.subject = subject
            o.description = "业主来电反映：\(subject)。已登记业主房号，详细情况见记录。"
            o.ownerWorkId = owner; o.createdByWorkId = owner; o.$customer.id = try customer.requireID()
            o.needsVisit = type == .fault; o.address = type == .fault ? customer.address : nil
            let calendar = try await sla.calendar(policy.calendar)
            o.firstResponseDueAt = calendar.adding(seconds: policy.firstResponseSeconds, to: created); o.firstRespondedAt = created
            o.resolutionTargetSeconds = policy.resolutionSeconds; o.calendarKind = policy.calendar.rawValue
            o.pausedSeconds = 0; o.escalationLevel = 0; o.callbackDone = status == "closed"; o.openSupervisionCount = 0
            o.createdAt = created; o.updatedAt = created; o.status = status
            var timer = SLATimer(start: created, targetSeconds: policy.resolutionSeconds, calendar: calendar)
            let done = created.addingTimeInterval(Double(min(hoursAgo, 20)) * 1800)
            if status == "resolved" || status == "closed" { o.resolvedAt = done; timer.pause(at: done) }
            if status == "closed" { o.closedAt = done.addingTimeInterval(600) }
            if status == "pending_customer" { timer.pause(at: created.addingTimeInterval(1800)) }
            SLAService.apply(timer, to: o)
            o.updatedAt = o.closedAt ?? o.resolvedAt ?? created
            try await o.create(on: db)
            let orderID = try o.requireID()
            try await History(db: db, actorWorkId: owner, ip: nil, now: created)
                .workOrder(orderID, kind: "created", summary: "创建\(type.label)工单（\(o.channelValue.label)），首问负责人 \(owner)")
            if o.needsVisit && status == "open" {
                let s = SupervisionOrder()
                s.id = UUID(); s.companyID = p.client; s.$workOrder.id = orderID; s.$department.id = try dep.requireID()
                s.status = "open"; s.deadline = created.addingTimeInterval(4 * 3600); s.note = "请派维修人员上门：\(subject)"
                s.escalated = false; s.createdByWorkId = owner; s.createdAt = created
                try await s.create(on: db)
                o.status = "transferred"; o.openSupervisionCount = 1
                try await o.save(on: db)
            }
        }
        // A notice for the client company's shift lead only: HQ's shift lead never reads it.
        try await KefuNotification(role: Role.shiftLead.rawValue, company: p.client, workOrderID: nil,
                                   message: "\(Self.clientName)：今晚 22:00 起二期停水检修，相关来电请按停水公告答复。",
                                   createdAt: now.addingTimeInterval(-600)).create(on: db)
    }
}
