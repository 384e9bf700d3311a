import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Two client companies with one of everything each, every object carrying a marker that
/// must never reach the other company's people: the default company HQ (`withKefu`'s
/// people) and company BCO made with `TenantFixture`.
struct CrossTenantWorld {
    /// What one company holds: texts that appear nowhere else, ids of its objects, and the
    /// values that stand in for path parameters when the other company asks for them.
    struct Holdings {
        var code: String
        var branchCode: String
        var texts: [String] = []
        var ids: [String] = []
        /// Path-parameter values naming this company's objects (`:id`, `{id}`).
        var idValues: [String] = []
        var orderID: String?
        var orderNumber: String?
        var customerID: String?
        /// Work IDs of its people (`:workId`).
        var workIds: [String] = []
        /// Its own QC findings (`/qa/findings/:id`).
        var findingIDs: [String] = []
    }

    /// People of one company: label, API token, page session.
    struct Person {
        var label: String; var token: String; var page: PageSession
        /// Their role, which tells the sweeps where the permission gate stops them.
        var role: Role?
    }

    var hq: Holdings
    var b: Holdings
    var hqPeople: [Person]
    /// Every role of B (they all exist and sign in) …
    var allBPeople: [Person]
    /// … and the ones the sweeps run as: each kind of access once (front line, staff,
    /// admin, department liaison), which keeps the sweeps under a minute.
    var bPeople: [Person] {
        allBPeople.filter { p in ["b-agent", "b-admin", "b-shift-lead", "b-qc-inspector", "b-planner", "b-liaison"].contains { p.label.hasSuffix(" " + $0) } }
    }
    static let month = "2026-12"

    /// Every role of company B, one person each; the liaison in B's own department.
    static let bUsers: [(workId: String, role: String, department: String?)] = Role.allCases.map { role in
        ("b-\(role.rawValue.replacingOccurrences(of: "_", with: "-"))", role.rawValue, role == .liaison ? "乙工程组" : nil)
    }

    static func build(_ app: Application, _ u: TestUsers) async throws -> CrossTenantWorld {
        // HQ first: while it is the only company, the single-center tools place rows there.
        let hq = try await buildHQ(app, u)
        let placed = try await TenantFixture.addCompany(app, code: "BCO", name: "乙公司",
                                                       branches: [("B1", "乙一部", "4008000001")], users: bUsers)
        let b = try await buildB(app, placed)
        var hqPeople: [Person] = []
        for (workId, token) in [("1001", u.agent), ("3001", u.shiftLead), ("4001", u.qc), ("5001", u.liaison), ("9001", u.admin),
                                ("6106", try await TestUsers.login(app, "6106"))] {
            let role = try await User.query(on: app.db).filter(\.$workId == workId).first().flatMap { Role(rawValue: $0.role) }
            hqPeople.append(Person(label: "HQ \(workId)", token: token, page: try await PageSession.signIn(app, workId), role: role))
        }
        var bPeople: [Person] = []
        for user in bUsers {
            let role = try await User.query(on: app.db).filter(\.$workId == user.workId).first().flatMap { Role(rawValue: $0.role) }
            bPeople.append(Person(label: "BCO \(user.workId)", token: try placed.token(user.workId),
                                  page: try await PageSession.signIn(app, user.workId), role: role))
        }
        return CrossTenantWorld(hq: hq, b: b, hqPeople: hqPeople, allBPeople: bPeople)
    }

    // MARK: company A = HQ

    static func buildHQ(_ app: Application, _ u: TestUsers) async throws -> Holdings {
        var h = Holdings(code: "HQ", branchCode: "MAIN")
        let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
        _ = try await admin.add(.init(workId: "6106", name: "测试6106", role: "planner", password: "secret123", department: nil),
                                hasher: app.password.sync, history: nil)
        for i in 0..<20 {
            _ = try await admin.add(.init(workId: String(1300 + i), name: "甲班组员\(i)", role: "agent", password: "secret123", department: nil),
                                    hasher: app.password.sync, history: nil)
        }
        h.texts += ["测试1001", "测试1002", "测试3001", "测试4001", "测试5001", "测试5002", "测试9001", "测试6106", "甲班组员"]

        try await order(app, token: u.agent, departmentID: u.departmentID, marker: "甲", phone: "13900000011", into: &h)
        try await contact(app, token: u.qc, id: "c-hq-0001", agent: "1001", marker: "甲方质检暗号", into: &h)
        try await contact(app, token: u.qc, id: "c-hq-0002", agent: "1001", marker: "甲方质检二号", rude: true, into: &h)
        h.findingIDs = try await QAFindingRecord.query(on: app.db).all().compactMap { $0.id?.uuidString }
        #expect(!h.findingIDs.isEmpty, "HQ's rude contact has findings")
        h.workIds = ["1001", "3001", "4001", "5001", "9001"]
        // A team of HQ with its agent in it.
        let teams = TeamDirectory(company: try await WorkforceCompany.of(try await TenantFixture.defaultCompanyID(app), in: .system(app.db)),
                                  now: app.kefu.clock.now())
        let team = try await teams.create(.init(name: "甲方一组", lead: nil), by: "9001")
        _ = try await teams.add(try team.requireID(), workIds: "1001", by: "9001")
        h.ids.append(try team.requireID().uuidString); h.idValues.append(try team.requireID().uuidString); h.texts.append("甲方一组")
        // A hall of HQ: a service, an open counter and a priority ticket at it.
        let hq = try await TenantFixture.defaultCompanyID(app)
        let hallBranch = try #require(try await Branch.query(on: app.db).filter(\.$company.$id == hq).sort(\.$createdAt).first())
        let hall = CounterHall(tenant: .system(app.db), branch: hallBranch, actor: "9001", now: app.kefu.clock.now(), timeZone: app.kefu.settings.timeZone)
        try await hall.saveService(code: "A", name: "甲方营业业务")
        _ = try await hall.open(counter: "甲方窗口", services: ["A"])
        let hallTicket = try await hall.issue(service: "A", priority: "elderly").ticket.requireID().uuidString
        h.ids.append(hallTicket); h.idValues.append(hallTicket); h.texts += ["甲方营业业务", "甲方窗口"]
        // A technician of HQ and a visit booked on an HQ order (R8).
        _ = try await admin.add(.init(workId: "6107", name: "甲方工程师", role: "technician", password: "secret123", department: nil),
                                hasher: app.password.sync, history: nil)
        let lead = try #require(try await User.query(on: app.db).filter(\.$workId == "3001").first())
        let desk = VisitDesk(scope: OrderScope(visibility: .all, tenant: .system(app.db)), user: lead, now: app.kefu.clock.now(),
                             timeZone: app.kefu.settings.timeZone)
        _ = try await desk.saveProfile(workId: "6107", .init(skills: "甲方宽带", areas: "西湖区", hours: "08:00-20:00", weekdays: Array(1...7)))
        var faultBody = newOrderBody(type: "fault", phone: "13900000013")
        faultBody["address"] = ["city": "杭州市", "district": "西湖区", "street": "文三路", "building": "8", "door": "101"]
        let fault = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: faultBody).string("id"))
        let faultOrder = try await desk.bookableOrder(fault)
        let tomorrow = LocalDay(app.kefu.clock.now(), in: app.kefu.settings.timeZone).adding(days: 1)
        let slot = try #require(try await desk.slots(order: faultOrder, day: tomorrow, skill: nil).first)
        let visit = try await desk.book(.init(workOrderId: fault, slotStart: iso(slot.start), technicianWorkId: "6107", skill: nil, bring: "甲方上门工具"))
        let visitID = try visit.requireID().uuidString
        h.ids.append(visitID); h.idValues.append(visitID); h.texts += ["甲方上门工具", "甲方工程师", "甲方宽带"]
        // An outbound campaign of HQ with one customer to call (R7).
        let outbound = OutboundDesk(tenant: .system(app.db), user: lead, now: app.kefu.clock.now(), timeZone: app.kefu.settings.timeZone)
        let campaign = try await outbound.create(.init(name: "甲方外呼活动", purpose: "follow_up", opening: "您好，我是{工号}号话务员，回访一下。",
                                                       agents: ["1001"], endsOn: tomorrow.adding(days: 7).description))
        _ = try await outbound.addTargets(campaign, [.init(line: 1, name: "甲方外呼对象", phone: "13900000014", note: "甲方外呼备注")])
        let campaignID = try campaign.requireID().uuidString
        h.ids.append(campaignID); h.idValues.append(campaignID); h.texts += ["甲方外呼活动", "甲方外呼对象", "甲方外呼备注"]
        try await ivr(app, adminWorkId: "9001", marker: "甲方欢迎词", into: &h)
        try await cti(app, company: try await TenantFixture.defaultCompanyID(app), agent: "1001", call: "hqcall777",
                      caller: "13900000012", into: &h)

        // A web chat from a customer of HQ.
        try await startWebChat(app, name: "甲方聊天客户")
        if let chat = try await Chat.query(on: app.db).first()?.id?.uuidString { h.ids.append(chat); h.idValues.append(chat) }
        h.texts.append("甲方聊天客户")

        // A forecast and a roster for the month, rostering HQ's twenty 甲班组员.
        let imported = try await apiRaw(app, .POST, "/workforce/traffic?interval=30", token: u.admin,
                                        contentType: .init(type: "text", subType: "csv"), body: workforceHistoryCSV(badLine: false))
        #expect(imported.0 == .ok, "HQ traffic import")
        let planner = try await PageSession.signIn(app, "9001")
        #expect(try await planner.post("/workforce/forecasts", ["month": month, "interval": "30", "method": "auto"]).0 == .seeOther, "HQ forecast")
        if let run = try await ForecastRun.query(on: app.db).first()?.id?.uuidString {
            h.ids.append(run); h.idValues.append(run)
            #expect(try await planner.post("/workforce/forecasts/\(run)/roster", ["objective": "min-resources"]).0 == .seeOther, "HQ roster")
        }
        return h
    }

    // MARK: company B

    static func buildB(_ app: Application, _ placed: TenantFixture.Placed) async throws -> Holdings {
        var h = Holdings(code: "BCO", branchCode: "B1")
        h.texts += bUsers.map { "乙公司\($0.workId)" } + ["乙工程组"]
        let liaisonDepartment = try #require(placed.users["b-liaison"]?.departmentID, "B's liaison has a department")
        try await order(app, token: try placed.token("b-agent"), departmentID: liaisonDepartment, marker: "乙", phone: "13900000099", into: &h)
        try await contact(app, token: try placed.token("b-qc-inspector"), id: "c-b-0001", agent: "b-agent", marker: "乙方质检暗号", into: &h)
        try await ivr(app, adminWorkId: "b-admin", marker: "乙方欢迎词", into: &h)
        h.workIds = ["b-agent", "b-admin", "b-liaison"]
        try await cti(app, company: placed.companyID, agent: "b-agent", call: "bcall888", caller: "13900000098", into: &h)
        return h
    }

    // MARK: one of each

    /// An order with a customer, sent to `departmentID` (a supervision order).
    static func order(_ app: Application, token: String, departmentID: UUID, marker: String, phone: String, into h: inout Holdings) async throws {
        var body = newOrderBody(type: "complaint", phone: phone)
        body["subject"] = "\(marker)公司机密"
        body["description"] = "\(marker)方描述"
        body["customer"] = ["name": "\(marker)方客户", "phone": phone]
        h.texts += ["\(marker)公司机密", "\(marker)方描述", "\(marker)方客户", phone, "\(marker)方督办"]
        let created = try await api(app, .POST, "/work-orders", token: token, body: body)
        #expect(created.status == .created, "\(h.code) order: \(created.json)")
        guard let id = created.string("id") else { return }
        h.orderID = id
        h.orderNumber = created.string("number")
        h.ids.append(id); h.idValues.append(id)
        if let number = h.orderNumber { h.idValues.append(number) }
        if let customer = created.string("customerId") { h.customerID = customer; h.ids.append(customer); h.idValues.append(customer) }
        let so = try await api(app, .POST, "/work-orders/\(id)/transfers", token: token,
                               body: ["departmentId": departmentID.uuidString, "deadline": iso(testStart.addingTimeInterval(86400)),
                                      "note": "\(marker)方督办"])
        #expect(so.status == .created, "\(h.code) transfer: \(so.json)")
        if let soID = so.string("id") { h.ids.append(soID); h.idValues.append(soID) }
    }

    /// A scored QC contact whose transcript holds `marker`.
    static func contact(_ app: Application, token: String, id: String, agent: String, marker: String, rude: Bool = false,
                        into h: inout Holdings) async throws {
        var transcript = rude ? rudeTranscript(id: id, agent: agent) : sampleTranscript(id: id, agent: agent)
        var segments = transcript["segments"] as? [[String: Any]] ?? []
        segments.insert(["speaker": "customer", "start": 2.0, "end": 3.0, "text": marker], at: 1)
        transcript["segments"] = segments
        let stored = try await api(app, .POST, "/qa/contacts", token: token, body: transcript)
        #expect(stored.status == .created, "\(h.code) contact: \(stored.json)")
        h.texts += [marker, id]
        h.idValues.append(id)
        if let uuid = stored.string("id") { h.ids.append(uuid); h.idValues.append(uuid) }
    }

    /// A new IVR version whose welcome holds `marker`.
    static func ivr(_ app: Application, adminWorkId: String, marker: String, into h: inout Holdings) async throws {
        let admin = try await PageSession.signIn(app, adminWorkId)
        let form: [String: String] = [
            "hotline": "95000", "welcome": "\(marker){company}{branch}客服热线{hotline}", "waitOfferSeconds": "40",
            "waitOfferPrompt": "继续等待请按1", "voicemailPrompt": "请留言", "root": "main",
            "menu0_id": "main", "menu0_prompt": "宽带请按1，留言请按0",
            "menu0_opt0_key": "1", "menu0_opt0_label": "宽带", "menu0_opt0_target": "queue:broadband",
            "menu0_opt1_key": "0", "menu0_opt1_label": "留言", "menu0_opt1_target": "voicemail",
        ]
        #expect(try await admin.post("/admin/ivr", form).0 == .seeOther, "\(h.code) IVR save")
        h.texts.append(marker)
    }

    /// A switch token of `company` and a waiting call from `caller`.
    static func cti(_ app: Application, company: UUID, agent: String, call: String, caller: String, into h: inout Holdings) async throws {
        let token = "cti_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let t = CTIToken()
        t.id = UUID(); t.companyID = company; t.name = "pbx-\(call)"; t.tokenHash = UserToken.hash(token); t.active = true
        t.createdAt = app.kefu.clock.now()
        try await t.create(on: app.db)
        let t0 = app.kefu.clock.now().addingTimeInterval(-60)
        let events: [[String: Any]] = [
            ["id": "\(call)-1", "type": "logged_in", "at": iso(t0), "agentWorkId": agent],
            ["id": "\(call)-2", "type": "enqueued", "at": iso(t0.addingTimeInterval(5)), "callId": call, "queue": "inbound", "caller": caller],
        ]
        let r = try await switchPost(app, "/cti/events", token: token, json: events)
        #expect(r.status == .ok && r["accepted"] as? Int == 2, "\(h.code) CTI events: \(r.json)")
        h.texts += [call, caller]
    }
}
