import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Field visits (R8.1, R8.2) through HTTP: free slots by area, skill and hours, booking with
/// each refusal named, the day-before reconfirmation from the stored time, the 15-minute late
/// rule on the test clock, nobody home with the next visit booked, completion with the
/// customer's signature, the result back to the owner, the figures, and who is refused.
@Suite("Field visits (R8)")
struct VisitTests {
    /// A technician with a profile: 宽带 in 西湖区, 08:30-17:30 on weekdays.
    static func technician(_ app: Application, _ u: TestUsers, _ workId: String = "7101", areas: [String] = ["西湖区"]) async throws -> String {
        _ = try await UserAdmin(db: app.db, now: app.kefu.clock.now())
            .add(.init(workId: workId, name: "工程师\(workId)", role: "technician", password: "secret123", department: nil),
                 hasher: app.password.sync, history: nil)
        let saved = try await api(app, .PUT, "/technicians/\(workId)", token: u.shiftLead,
                                  body: ["skills": ["宽带", "有线电视"], "areas": areas, "hours": "08:30-17:30", "weekdays": [1, 2, 3, 4, 5]])
        #expect(saved.status == .ok, "profile of \(workId)")
        return try await TestUsers.login(app, workId)
    }

    /// A fault order at a 西湖区 address, owned by agent 1001.
    static func order(_ app: Application, _ u: TestUsers, district: String? = "西湖区") async throws -> String {
        // Without an address: a consultation, which needs none.
        var body = newOrderBody(type: district == nil ? "consultation" : "fault")
        if let district { body["address"] = ["city": "杭州市", "district": district, "street": "文三路", "building": "8", "door": "101"] }
        let o = try await api(app, .POST, "/work-orders", token: u.agent, body: body)
        #expect(o.status == .created)
        return try #require(o.string("id"))
    }

    static func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> String {
        String(format: "2026-11-%02dT%02d:%02d:00+08:00", day, hour, minute)
    }

    static func book(_ app: Application, _ token: String, order: String, day: Int = 24, hour: Int = 10, minute: Int = 30,
                     technician: String = "7101") async throws -> JSONResponse {
        try await api(app, .POST, "/visits", token: token,
                      body: ["workOrderId": order, "slotStart": at(day, hour, minute), "technicianWorkId": technician, "bring": "光猫"])
    }

    static let png = "data:image/png;base64," + Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).base64EncodedString()

    @Test func slotsAndBookingWithEachRefusalNamed() async throws {
        try await withKefu { app, u in
            let tech = try await Self.technician(app, u)
            // The profile is the leads' to keep; a bad one is refused with every reason.
            #expect(try await api(app, .PUT, "/technicians/7101", token: u.agent, body: ["skills": ["宽带"]]).status == .forbidden)
            let bad = try await api(app, .PUT, "/technicians/7101", token: u.shiftLead, body: ["skills": [], "areas": [], "hours": "8-5", "weekdays": []])
            #expect(bad.status == .unprocessableEntity && String(describing: bad["fields"]).contains("hours"))
            #expect(try await api(app, .PUT, "/technicians/1001", token: u.shiftLead, body: ["skills": ["宽带"], "areas": ["西湖区"], "hours": "08:30-17:30", "weekdays": [1]]).status == .notFound)

            let order = try await Self.order(app, u)
            // Tuesday 24th: 08:30, 10:30, 12:30, 14:30 (16:30 would run past 17:30).
            var slots: [[String: Any]] = []
            try await app.testing().test(.GET, "/api/v1/visits/slots?workOrderId=\(order)&date=2026-11-24&skill=宽带".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "",
                                         beforeRequest: { $0.headers.bearerAuthorization = .init(token: u.agent) },
                                         afterResponse: { res in
                #expect(res.status == .ok)
                slots = (try? JSONSerialization.jsonObject(with: Data(buffer: res.body))) as? [[String: Any]] ?? []
            })
            #expect(slots.map { $0["start"] as? String } == [8, 10, 12, 14].map { Self.at(24, $0, 30) })
            #expect(slots.first?["technicians"] as? [String] == ["7101"])

            // Booked: 201, on the order's timeline, reconfirmation due 09:00 the day before.
            let v = try await Self.book(app, u.agent, order: order)
            #expect(v.status == .created && v.string("status") == "booked" && v.string("technicianWorkId") == "7101")
            #expect(v.string("reconfirmDueAt") == Self.at(23, 9) && v.string("area") == "西湖区" && v.string("bring") == "光猫")
            let timeline = try await TimelineEvent.query(on: app.db).filter(\.$kind == "visit_booked").count()
            #expect(timeline == 1)

            // Each refusal says why, and nothing more is stored.
            let taken = try await Self.book(app, u.agent2, order: order)
            #expect(taken.status == .unprocessableEntity && (taken.string("reason") ?? "").contains("已有预约"))
            #expect(try await Self.book(app, u.agent, order: order, hour: 16, minute: 30).status == .unprocessableEntity)   // past 17:30
            #expect(try await Self.book(app, u.agent, order: order, day: 28).status == .unprocessableEntity)               // Saturday
            #expect(try await Self.book(app, u.agent, order: order, day: 23, hour: 9, minute: 30).status == .unprocessableEntity)  // too soon
            #expect(try await Self.book(app, u.agent, order: order, technician: "7999").status == .unprocessableEntity)
            let elsewhere = try await Self.order(app, u, district: "滨江区")
            let area = try await Self.book(app, u.agent, order: elsewhere)
            #expect(area.status == .unprocessableEntity && (area.string("reason") ?? "").contains("滨江区"))
            let noAddress = try await Self.order(app, u, district: nil)
            #expect(try await Self.book(app, u.agent, order: noAddress).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/visits", token: u.agent, body: ["workOrderId": order, "slotStart": "明天上午", "technicianWorkId": "7101"]).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/visits", token: u.agent, body: [:]).status == .unprocessableEntity)
            // Who may not book: a liaison, QC, the technician.
            for token in [u.liaison, u.qc, tech] {
                #expect(try await Self.book(app, token, order: order, hour: 12).status == .forbidden)
            }
            #expect(try await FieldVisit.query(on: app.db).count() == 1)

            // A double-sent booking (same Idempotency-Key) stores one visit.
            let body: [String: Any] = ["workOrderId": order, "slotStart": Self.at(24, 12, 30), "technicianWorkId": "7101"]
            let first = try await IdempotencyTests.call(app, .POST, "/visits", token: u.agent, key: "visit-1", body: body)
            let again = try await IdempotencyTests.call(app, .POST, "/visits", token: u.agent, key: "visit-1", body: body)
            #expect(first.0 == .created && again.0 == .created && first.1 == again.1)
            #expect(try await FieldVisit.query(on: app.db).count() == 2)
        }
    }

    @Test func theFifteenMinuteLateRuleOnTheTestClock() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let tech = try await Self.technician(app, u)
            let other = try await Self.technician(app, u, "7102")
            let order = try await Self.order(app, u)
            let id = try #require(try await Self.book(app, u.agent, order: order).string("id"))  // 24th 10:30
            // Only the assigned technician: another one does not even see it; an agent is refused.
            #expect(try await api(app, .POST, "/visits/\(id)/late", token: other, body: ["newTime": Self.at(24, 11, 30)]).status == .notFound)
            #expect(try await api(app, .POST, "/visits/\(id)/late", token: u.agent, body: ["newTime": Self.at(24, 11, 30)]).status == .forbidden)
            #expect(try await api(app, .GET, "/visits/\(id)", token: other).status == .notFound)
            #expect(try await api(app, .GET, "/visits/\(id)", token: u.liaison).status == .notFound)

            // 20 minutes ahead: in time, the window moves to the new time.
            clock.set(to: try #require(JSONCoding.parseISO(Self.at(24, 10, 10))))
            #expect(try await api(app, .POST, "/visits/\(id)/late", token: tech, body: [:]).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/visits/\(id)/late", token: tech, body: ["newTime": Self.at(24, 10)]).status == .unprocessableEntity)
            let inTime = try await api(app, .POST, "/visits/\(id)/late", token: tech, body: ["newTime": Self.at(24, 11, 30), "reason": "堵车"])
            #expect(inTime.status == .ok && inTime["lateNoticeInTime"] as? Bool == true && inTime.string("slotStart") == Self.at(24, 11, 30))
            #expect(inTime.string("bookedStart") == Self.at(24, 10, 30))
            let notices = try await KefuNotification.query(on: app.db).filter(\.$recipientWorkId == "1001").count()
            // A new time already given to another customer is refused, and the visit stays as it was.
            let otherOrder = try await Self.order(app, u)
            #expect(try await Self.book(app, u.agent, order: otherOrder, hour: 14, minute: 30).status == .created)
            let clash = try await api(app, .POST, "/visits/\(id)/late", token: tech, body: ["newTime": Self.at(24, 14, 30)])
            #expect(clash.status == .conflict && clash.string("error") == "time_taken")
            #expect(try await api(app, .GET, "/visits/\(id)", token: tech).string("slotStart") == Self.at(24, 11, 30))

            // 10 minutes before the new time: recorded, as a breach, and the owner is told.
            clock.set(to: try #require(JSONCoding.parseISO(Self.at(24, 11, 20))))
            let breach = try await api(app, .POST, "/visits/\(id)/late", token: tech, body: ["newTime": Self.at(24, 12, 30)])
            #expect(breach.status == .ok && breach["lateNoticeInTime"] as? Bool == false)
            #expect(try await KefuNotification.query(on: app.db).filter(\.$recipientWorkId == "1001").count() == notices + 1)

            // The figures: two visits, one of them late with a breach, and completed.
            _ = try await api(app, .POST, "/visits/\(id)/complete", token: tech, body: ["result": "更换光猫", "signature": Self.png])
            let lead = try await TestUsers.login(app, "3001")
            let report = try await api(app, .GET, "/visits/report?from=2026-11-01&to=2026-11-30", token: lead)
            let total = try #require(report["total"] as? [String: Any])
            #expect(total["visits"] as? Int == 2 && total["late"] as? Int == 1 && total["lateNoticeBreaches"] as? Int == 1 && total["completed"] as? Int == 1)
            #expect(try await api(app, .GET, "/visits/report?from=2026-11-01&to=2026-11-30", token: u.agent).status == .forbidden)
        }
    }

    @Test func reconfirmationIsRemindedOnceFromTheStoredTime() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let tech = try await Self.technician(app, u)
            let order = try await Self.order(app, u)
            let id = try #require(try await Self.book(app, u.agent, order: order, day: 25).string("id"))
            func sweep() async throws -> Int {
                try await DeadlineSweeper(db: app.db, now: clock.now(), timeZone: app.kefu.settings.timeZone, logger: app.logger).sweep().visitReconfirmations
            }
            clock.set(to: try #require(JSONCoding.parseISO(Self.at(24, 8, 59))))
            #expect(try await sweep() == 0)
            clock.set(to: try #require(JSONCoding.parseISO(Self.at(24, 9))))
            #expect(try await sweep() == 1)
            #expect(try await sweep() == 0)
            // A second server process (or this one after a restart) does not send it again.
            let other = try await sibling(of: app, clock: clock)
            #expect(try await DeadlineSweeper(db: other.db, now: clock.now(), timeZone: other.kefu.settings.timeZone, logger: other.logger).sweep().visitReconfirmations == 0)
            try await other.asyncShutdown()
            let reminders = try await KefuNotification.query(on: app.db).filter(\.$recipientWorkId == "1001").all().map(\.message)
            #expect(reminders.contains { $0.contains("确认") && $0.contains("2026-11-25 10:30") })

            // The front line records the call; the technician may not.
            #expect(try await api(app, .POST, "/visits/\(id)/reconfirm", token: tech, body: [:]).status == .forbidden)
            let ok = try await api(app, .POST, "/visits/\(id)/reconfirm", token: u.agent2, body: ["note": "客户确认在家"])
            #expect(ok.status == .ok && ok.string("status") == "confirmed" && ok.string("note") == "客户确认在家")
            #expect(try await api(app, .POST, "/visits/\(id)/reconfirm", token: u.agent, body: [:]).status == .conflict)
            // Cancelling needs a reason.
            #expect(try await api(app, .POST, "/visits/\(id)/cancel", token: u.agent, body: [:]).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/visits/\(id)/cancel", token: u.agent, body: ["reason": "客户改期"]).string("status") == "cancelled")
        }
    }

    @Test func nobodyHomeBooksTheNextVisitAndCompletionNeedsTheSignature() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let tech = try await Self.technician(app, u)
            let order = try await Self.order(app, u)
            let id = try #require(try await Self.book(app, u.agent, order: order).string("id"))
            clock.set(to: try #require(JSONCoding.parseISO(Self.at(24, 10))))
            #expect(try await api(app, .POST, "/visits/\(id)/on-the-way", token: tech).string("status") == "on_the_way")
            clock.set(to: try #require(JSONCoding.parseISO(Self.at(24, 10, 45))))
            #expect(try await api(app, .POST, "/visits/\(id)/no-one-home", token: tech, body: ["note": " "]).status == .unprocessableEntity)
            // A next window the technician cannot make is refused, and nothing of this visit changes.
            let refused = try await api(app, .POST, "/visits/\(id)/no-one-home", token: tech, body: ["note": "门上留言条", "nextSlotStart": Self.at(28, 10, 30)])
            #expect(refused.status == .unprocessableEntity)
            #expect(try await api(app, .GET, "/visits/\(id)", token: tech).string("status") == "on_the_way")
            let away = try await api(app, .POST, "/visits/\(id)/no-one-home", token: tech, body: ["note": "门上留言条，请回电", "nextSlotStart": Self.at(25, 14, 30)])
            #expect(away.status == .ok && away.string("status") == "no_one_home" && away.string("note") == "门上留言条，请回电")
            let nextID = try #require(away.string("nextVisitId"))
            let next = try await api(app, .GET, "/visits/\(nextID)", token: tech)
            #expect(next.string("previousVisitId") == id && next["repeatVisit"] as? Bool == true && next.string("slotStart") == Self.at(25, 14, 30))

            // Completion needs the customer's signature, a real PNG.
            clock.set(to: try #require(JSONCoding.parseISO(Self.at(25, 15))))
            #expect(try await api(app, .POST, "/visits/\(nextID)/complete", token: tech, body: ["result": "已修复"]).status == .unprocessableEntity)
            let notPNG = try await api(app, .POST, "/visits/\(nextID)/complete", token: tech,
                                       body: ["result": "已修复", "signature": "data:image/png;base64," + Data("<svg onload=alert(1)>".utf8).base64EncodedString()])
            #expect(notPNG.status == .unprocessableEntity && (notPNG.string("reason") ?? "").contains("签名"))
            let before = try await KefuNotification.query(on: app.db).filter(\.$recipientWorkId == "1001").count()
            let done = try await api(app, .POST, "/visits/\(nextID)/complete", token: tech, body: ["result": "更换分光器，网络恢复", "signature": Self.png])
            #expect(done.status == .ok && done.string("status") == "completed" && done["signed"] as? Bool == true)
            #expect(try await api(app, .POST, "/visits/\(nextID)/complete", token: tech, body: ["result": "x", "signature": Self.png]).status == .conflict)
            // The result goes back to the owner, who still calls the customer back.
            let told = try await KefuNotification.query(on: app.db).filter(\.$recipientWorkId == "1001").sort(\.$createdAt, .descending).all()
            #expect(told.count == before + 1 && told.first?.message.contains("回访") == true)
            #expect(try await TimelineEvent.query(on: app.db).filter(\.$kind == "visit_complete").count() == 1)

            // The signature is served as a PNG that no browser will run, to either side of the visit.
            var headers = HTTPHeaders()
            try await app.testing().test(.GET, "/api/v1/visits/\(nextID)/signature", beforeRequest: { $0.headers.bearerAuthorization = .init(token: u.agent) },
                                         afterResponse: { res in #expect(res.status == .ok); headers = res.headers })
            #expect(headers.contentType == .png && headers.first(name: "X-Content-Type-Options") == "nosniff")
            try await app.testing().test(.GET, "/api/v1/visits/\(nextID)/signature", beforeRequest: { $0.headers.bearerAuthorization = .init(token: u.liaison) },
                                         afterResponse: { res in #expect(res.status == .notFound) })

            // Unresolved: the apology and a fallback plan.
            let third = try #require(try await Self.book(app, u.agent, order: order, day: 26).string("id"))
            #expect(try await api(app, .POST, "/visits/\(third)/unresolved", token: tech, body: ["result": "主干故障", "fallbackPlan": "报线路部门"]).status == .unprocessableEntity)
            let unresolved = try await api(app, .POST, "/visits/\(third)/unresolved", token: tech,
                                           body: ["result": "主干光缆故障", "apologized": true, "fallbackPlan": "已报线路部门，48 小时内修复后回电"])
            #expect(unresolved.string("status") == "unresolved" && unresolved.string("fallbackPlan") == "已报线路部门，48 小时内修复后回电")
        }
    }

    @Test func theTechnicianPageAndBookingFromTheOrder() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            _ = try await Self.technician(app, u)
            let order = try await Self.order(app, u)
            let agent = try await PageSession.signIn(app, "1001")
            let orderPage = try await agent.get("/work-orders/\(order)")
            #expect(orderPage.1.contains("id=\"book-visit\""))
            let booking = try await agent.get("/work-orders/\(order)/visit?day=2026-11-24")
            #expect(booking.0 == .ok && booking.1.contains(Self.at(24, 8, 30) + "|7101"))
            let once = try #require(IdempotencyTests.onceToken(in: booking.1))
            let noSlot = try await agent.post("/work-orders/\(order)/visit", ["_once": once, "day": "2026-11-24"])
            #expect(noSlot.0 == .unprocessableEntity && noSlot.1.contains("请选择一个上门时段"))
            let form = ["_once": once, "day": "2026-11-24", "slot": Self.at(24, 8, 30) + "|7101", "bring": "网线"]
            #expect(try await agent.post("/work-orders/\(order)/visit", form).0 == .seeOther)
            #expect(try await agent.post("/work-orders/\(order)/visit", form).0 == .seeOther)  // the double tap
            #expect(try await FieldVisit.query(on: app.db).count() == 1)
            let visit = try #require(try await FieldVisit.query(on: app.db).first())
            let id = try visit.requireID().uuidString
            #expect(try await agent.get("/work-orders/\(order)").1.contains("/visits/\(id)"))
            #expect(try await agent.get("/visits?day=2026-11-24").1.contains(id))

            // The technician's day, and their visit with its steps.
            clock.set(to: try #require(JSONCoding.parseISO(Self.at(24, 7))))
            let tech = try await PageSession.signIn(app, "7101")
            let day = try await tech.get("/visits/today")
            #expect(day.0 == .ok && day.1.contains("/visits/\(id)") && day.1.contains("网线"))
            let page = try await tech.get("/visits/\(id)")
            #expect(page.0 == .ok && page.1.contains("signature-pad") && page.1.contains("tel:13800138000"))
            let noSig = try await tech.post("/visits/\(id)/act", ["_once": "", "action": "complete", "result": "已修复"])
            #expect(noSig.0 == .unprocessableEntity && noSig.1.contains("签名"))
            #expect(try await tech.post("/visits/\(id)/act", ["_once": "", "action": "complete", "result": "已修复", "signature": Self.png]).0 == .seeOther)
            #expect(try await tech.get("/visits/\(id)").1.contains("/visits/\(id)/signature.png"))
            // The front line sees the number masked; the technician cannot book or see the list.
            #expect(try await agent.get("/visits/\(id)").1.contains("tel:") == false)
            #expect(try await tech.get("/visits").0 == .forbidden)
            #expect(try await tech.get("/work-orders/\(order)/visit").0 == .forbidden)
            let liaison = try await PageSession.signIn(app, "5001")
            #expect(try await liaison.get("/visits/\(id)").0 == .notFound)
            #expect(try await liaison.get("/visits/today").0 == .forbidden)
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.get("/visits/technicians").1.contains("7101"))
            #expect(try await lead.get("/reports/visits?from=2026-11-01&to=2026-11-30").1.contains("工程师7101"))
        }
    }
}

extension ManualClock {
    /// Moves the test clock to `date` (forward only in these tests).
    func set(to date: Date) { advance(by: date.timeIntervalSince(now())) }
}
