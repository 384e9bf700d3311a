import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Outbound campaigns (R7.1–R7.4) through HTTP: a campaign designed with its questionnaire,
/// targets loaded as JSON, CSV and from closed orders, the next target in order, calling
/// hours on the test clock, retry spacing, the customer's own callback time, answers checked
/// on the customer's path, retention offers within limits, do-not-call, results, the
/// satisfaction measures, and who is refused.
@Suite("Outbound campaigns (R7)")
struct OutboundTests {
    /// Outbound agent 1201 and a second one, 1202.
    static func callers(_ app: Application) async throws -> (String, String) {
        let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
        for id in ["1201", "1202"] {
            _ = try await admin.add(.init(workId: id, name: "外呼\(id)", role: "outbound_agent", password: "secret123", department: nil),
                                    hasher: app.password.sync, history: nil)
        }
        return (try await TestUsers.login(app, "1201"), try await TestUsers.login(app, "1202"))
    }

    static var questions: [[String: Any]] { [
        ["id": "q1", "text": "您对上次的处理结果满意吗？", "kind": "single", "options": ["满意", "不满意"], "skip": ["满意": "q3"]],
        ["id": "q2", "text": "哪里不满意？", "kind": "text"],
        ["id": "q3", "text": "请为服务打分", "kind": "rating"],
        ["id": "q4", "text": "您会推荐我们吗？", "kind": "nps", "required": false],
    ] }

    static func campaign(_ app: Application, token: String, purpose: String = "satisfaction", extra: [String: Any] = [:]) async throws -> JSONResponse {
        var body: [String: Any] = [
            "name": "十二月满意度回访", "purpose": purpose, "opening": "您好，我是客服中心{工号}号话务员，想了解您对服务的意见。",
            "questions": purpose == "retention" ? [] : questions, "callingHours": "09:00-20:00", "quietHours": "12:00-14:00",
            "weekdays": [1, 2, 3, 4, 5, 6, 7], "maxAttempts": 2, "retrySpacingMinutes": 60, "agents": ["1201"],
            "startsOn": "2026-11-23", "endsOn": "2026-12-31",
        ]
        body.merge(extra) { $1 }
        return try await api(app, .POST, "/outbound/campaigns", token: token, body: body)
    }

    /// A JSON list as the body (the targets endpoint takes one).
    static func list(_ app: Application, _ path: String, token: String, _ body: [[String: Any]]) async throws -> JSONResponse {
        let (status, text, _) = try await IdempotencyTests.call(app, .POST, path, token: token, key: nil, data: try JSONSerialization.data(withJSONObject: body))
        return JSONResponse(status: status, json: (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:])
    }

    static func target(_ call: JSONResponse) -> [String: Any] { call["target"] as? [String: Any] ?? [:] }

    @Test func aSurveyCallsInOrderWithinTheHoursAndRecordsTheAnswers() async throws {
        let clock = ManualClock(testStart)  // Monday 09:00
        try await withKefu(clock: clock) { app, u in
            let (agent, other) = try await Self.callers(app)
            // Designing: the outbound agent may; a bad questionnaire or opening is refused with reasons.
            #expect(try await Self.campaign(app, token: u.agent).status == .forbidden)
            let bad = try await Self.campaign(app, token: agent, extra: ["opening": "您好", "questions": [["id": "q1", "text": "只有一项", "kind": "single", "options": ["是"]]]])
            #expect(bad.status == .unprocessableEntity && String(describing: bad["fields"]).contains("opening") && String(describing: bad["fields"]).contains("questions[0]"))
            #expect(try await Self.campaign(app, token: agent, extra: ["agents": ["1001", "5001"]]).status == .unprocessableEntity)  // 5001 cannot call
            let created = try await Self.campaign(app, token: agent)
            #expect(created.status == .created)
            let id = try #require(created.string("id"))

            // Targets: JSON, CSV (a repeat and a bad number named), nothing twice.
            let json = try await api(app, .POST, "/outbound/campaigns/\(id)/targets", token: agent,
                                     body: ["targets": [["name": "张三", "phone": "13800000001"], ["name": "李四", "phone": "13800000002"]]])
            #expect(json.status == .ok && json["added"] as? Int == 2)
            let sheet = try await postCSV(app, "/outbound/campaigns/\(id)/targets", token: agent, "姓名,电话,备注\n王五,138 0000 0003,老客户\n张三,13800000001,\n赵六,12345,\n")
            #expect(sheet["added"] as? Int == 1 && sheet["duplicates"] as? Int == 1 && (sheet["problems"] as? [[String: Any]])?.first?["line"] as? Int == 4)
            #expect(try await OutboundTargetRecord.query(on: app.db).count() == 3)

            // Only the assigned agent calls; the first target, with the opening giving their work ID.
            #expect(try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: other).status == .forbidden)
            #expect(try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: u.liaison).status == .forbidden)
            let first = try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent)
            #expect(first.status == .ok && Self.target(first)["name"] as? String == "张三")
            #expect((first.string("opening") ?? "").contains("1201号话务员"))
            // Asking again gives the same open call, not a second customer.
            #expect(try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent).string("attemptId") == first.string("attemptId"))
            let a1 = try #require(first.string("attemptId"))

            // The answers must follow the customer's path: a satisfied customer skips q2.
            let incomplete = try await api(app, .POST, "/outbound/attempts/\(a1)", token: agent, body: ["outcome": "answered", "answers": ["q1": "满意"]])
            #expect(incomplete.status == .unprocessableEntity && String(describing: incomplete["fields"]).contains("answers.q3"))
            let offPath = try await api(app, .POST, "/outbound/attempts/\(a1)", token: agent, body: ["outcome": "answered", "answers": ["q1": "满意", "q2": "慢", "q3": 5]])
            #expect(offPath.status == .unprocessableEntity && String(describing: offPath["fields"]).contains("answers.q2"))
            #expect(try await api(app, .POST, "/outbound/attempts/\(a1)", token: other, body: ["outcome": "busy"]).status == .notFound)
            let done = try await api(app, .POST, "/outbound/attempts/\(a1)", token: agent, body: ["outcome": "answered", "answers": ["q1": "满意", "q3": 5, "q4": 10]])
            #expect(done.status == .ok && (done["target"] as? [String: Any])?["status"] as? String == "completed")
            #expect(try await api(app, .POST, "/outbound/attempts/\(a1)", token: agent, body: ["outcome": "answered"]).status == .conflict)

            // No answer: tried again after the spacing (60 min), not before.
            let second = try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent)
            #expect(Self.target(second)["name"] as? String == "李四")
            let noAnswer = try await api(app, .POST, "/outbound/attempts/\(try #require(second.string("attemptId")))", token: agent, body: ["outcome": "no_answer"])
            #expect(noAnswer.string("nextDueAt") == iso(testStart.addingTimeInterval(3600)))
            // The customer asks to be called at 15:00.
            let third = try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent)
            #expect(Self.target(third)["name"] as? String == "王五")
            let a3 = try #require(third.string("attemptId"))
            #expect(try await api(app, .POST, "/outbound/attempts/\(a3)", token: agent, body: ["outcome": "call_back_later"]).status == .unprocessableEntity)
            let later = iso(testStart.addingTimeInterval(6 * 3600))
            #expect(try await api(app, .POST, "/outbound/attempts/\(a3)", token: agent, body: ["outcome": "call_back_later", "callbackAt": later]).string("nextDueAt") == later)
            #expect(try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent).status == .noContent)

            // 10:00: 李四 is due again. The quiet midday and the evening are refused.
            clock.advance(by: 3600)
            let retry = try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent)
            #expect(Self.target(retry)["name"] as? String == "李四" && retry["attempt"] as? Int == 2)
            // The last try without an answer: exhausted.
            let exhausted = try await api(app, .POST, "/outbound/attempts/\(try #require(retry.string("attemptId")))", token: agent, body: ["outcome": "no_answer"])
            #expect((exhausted["target"] as? [String: Any])?["status"] as? String == "exhausted")
            clock.advance(by: 2.5 * 3600)  // 12:30
            let quiet = try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent)
            #expect(quiet.status == .conflict && quiet.string("error") == "outside_calling_hours")
            clock.advance(by: 2.5 * 3600)  // 15:00: the customer's own time, called first
            let callback = try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent)
            #expect(Self.target(callback)["name"] as? String == "王五")
            // They ask never to be called again: the number leaves every campaign.
            _ = try await api(app, .POST, "/outbound/attempts/\(try #require(callback.string("attemptId")))", token: agent, body: ["outcome": "do_not_call"])
            #expect(try await DoNotCallNumber.query(on: app.db).count() == 1)
            let again = try await Self.list(app, "/outbound/campaigns/\(id)/targets", token: agent, [["name": "王五", "phone": "13800000003"]])
            #expect(again["added"] as? Int == 0 && (again["doNotCall"] as? Int ?? 0) + (again["duplicates"] as? Int ?? 0) == 1)
            clock.advance(by: 6 * 3600)  // 21:00
            #expect(try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent).string("error") == "outside_calling_hours")

            // Results: reach, completion, answers per question.
            let results = try await api(app, .GET, "/outbound/campaigns/\(id)/results", token: agent)
            #expect(results["targets"] as? Int == 3 && results["called"] as? Int == 3 && results["reached"] as? Int == 2 && results["completed"] as? Int == 1)
            let q3 = (results["questions"] as? [[String: Any]])?.first { $0["id"] as? String == "q3" }
            #expect(q3?["answered"] as? Int == 1 && q3?["average"] as? Double == 5)
            #expect(try await api(app, .GET, "/outbound/campaigns/\(id)/results", token: u.agent).status == .forbidden)
        }
    }

    @Test func aCallNeverRecordedGoesBackToTheListAfterHalfAnHour() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let (agent, _) = try await Self.callers(app)
            let id = try #require(try await Self.campaign(app, token: agent, extra: ["agents": ["1201", "1202"]]).string("id"))
            _ = try await Self.list(app, "/outbound/campaigns/\(id)/targets", token: agent, [["name": "张三", "phone": "13800000031"]])
            let other = try await TestUsers.login(app, "1202")
            let abandoned = try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent)
            #expect(abandoned.status == .ok)
            // Another agent finds nobody while the call is open …
            #expect(try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: other).status == .noContent)
            // … and gets the customer once the claim is half an hour old; the try keeps its number.
            clock.advance(by: 31 * 60)
            let taken = try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: other)
            #expect(taken.status == .ok && Self.target(taken)["name"] as? String == "张三" && taken["attempt"] as? Int == 1)
            #expect(try await api(app, .POST, "/outbound/attempts/\(try #require(abandoned.string("attemptId")))", token: agent, body: ["outcome": "busy"]).status == .notFound)
            #expect(try await api(app, .POST, "/outbound/attempts/\(try #require(taken.string("attemptId")))", token: other, body: ["outcome": "busy"]).status == .ok)
        }
    }

    @Test func retentionOffersComeFromTheListWithinTheirLimit() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let (agent, _) = try await Self.callers(app)
            let lead = try await TestUsers.login(app, "3001")
            #expect(try await Self.campaign(app, token: lead, purpose: "satisfaction", extra: ["offers": [["code": "M50", "name": "月费五折", "limit": 1]]]).status == .unprocessableEntity)
            let c = try await Self.campaign(app, token: lead, purpose: "retention", extra: ["offers": [["code": "M50", "name": "月费五折", "limit": 1]]])
            #expect(c.status == .created)
            let id = try #require(c.string("id"))
            _ = try await Self.list(app, "/outbound/campaigns/\(id)/targets", token: lead, [["phone": "13800000011"], ["phone": "13800000012"]])
            let one = try #require(try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent).string("attemptId"))
            #expect(try await api(app, .POST, "/outbound/attempts/\(one)", token: agent, body: ["outcome": "answered", "offer": "FREE"]).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/outbound/attempts/\(one)", token: agent, body: ["outcome": "answered", "offer": "M50", "offerAccepted": true]).status == .ok)
            let two = try #require(try await api(app, .POST, "/outbound/campaigns/\(id)/next", token: agent).string("attemptId"))
            let over = try await api(app, .POST, "/outbound/attempts/\(two)", token: agent, body: ["outcome": "answered", "offer": "M50", "offerAccepted": true])
            #expect(over.status == .unprocessableEntity && (over.string("reason") ?? "").contains("上限"))
            #expect(try await api(app, .POST, "/outbound/attempts/\(two)", token: agent, body: ["outcome": "refused"]).status == .ok)
            let results = try await api(app, .GET, "/outbound/campaigns/\(id)/results", token: lead)
            #expect((results["offers"] as? [[String: Any]])?.first?["accepted"] as? Int == 1)

            // The measures: selling power from the offers, with the formula shown.
            let m = try await api(app, .GET, "/reports/satisfaction?from=2026-11-01&to=2026-11-30", token: lead)
            let sales = (m["measures"] as? [[String: Any]])?.first { $0["key"] as? String == "salesPower" }
            #expect(sales?["numerator"] as? Int == 1 && sales?["denominator"] as? Int == 1 && (sales?["formula"] as? String ?? "").contains("÷"))
            #expect(try await api(app, .GET, "/reports/satisfaction?from=2026-11-01&to=2026-11-30", token: agent).status == .forbidden)
        }
    }

    @Test func targetsFromClosedOrdersAndTheDeskPage() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            _ = try await Self.callers(app)
            // A complaint closed today: its customer becomes a follow-up target.
            let order = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "complaint", phone: "13800000021")).string("id"))
            clock.advance(by: 60)
            #expect(try await api(app, .POST, "/work-orders/\(order)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 4]).status == .created)
            #expect(try await api(app, .POST, "/work-orders/\(order)/close", token: u.agent, body: [:]).status == .ok)
            let planner = try await PageSession.signIn(app, "1201")
            let form = try await planner.get("/outbound/campaigns/new")
            #expect(form.0 == .ok)
            var fields = ["name": "投诉回访", "purpose": "follow_up", "opening": "您好，我是{工号}号话务员，回访您上周的投诉。",
                          "questionnaireText": "q1 | 单选 | 问题解决了吗？ | 解决了; 没解决\nq2 | 文字 | 还有什么意见？ | | 选填",
                          "callingHours": "09:00-20:00", "quietHours": "", "maxAttempts": "3", "retrySpacingMinutes": "120", "agents": "1201",
                          "startsOn": "2026-11-23", "endsOn": "2026-11-30", "_once": try #require(IdempotencyTests.onceToken(in: form.1))]
            fields["weekdays[]"] = "1"
            let made = try await planner.post("/outbound/campaigns/new", fields)
            #expect(made.0 == .seeOther)
            #expect(try await planner.post("/outbound/campaigns/new", fields).0 == .seeOther)  // the double tap
            #expect(try await OutboundCampaign.query(on: app.db).count() == 1)
            let campaign = try #require(try await OutboundCampaign.query(on: app.db).first()?.id?.uuidString)
            let page = try await planner.get("/outbound/campaigns/\(campaign)")
            let added = try await planner.post("/outbound/campaigns/\(campaign)/targets",
                                               ["mode": "orders", "type": "complaint", "closedFrom": "2026-11-23", "closedTo": "2026-11-23",
                                                "_once": try #require(IdempotencyTests.onceToken(in: page.1))])
            #expect(added.0 == .seeOther)
            let target = try #require(try await OutboundTargetRecord.query(on: app.db).first())
            #expect(target.workOrderID?.uuidString == order && target.phone == "13800000021")

            // The desk: next customer, the opening with the work ID, the questionnaire; answers recorded.
            let desk = try await planner.get("/outbound/campaigns/\(campaign)/call")
            #expect(desk.0 == .ok && desk.1.contains("call-next"))
            #expect(try await planner.post("/outbound/campaigns/\(campaign)/next", [:]).0 == .seeOther)
            let call = try await planner.get("/outbound/campaigns/\(campaign)/call")
            #expect(call.1.contains("1201号话务员") && call.1.contains("a_q1") && call.1.contains("tel:13800000021"))
            let attempt = try #require(try await OutboundAttempt.query(on: app.db).first()?.id?.uuidString)
            let missing = try await planner.post("/outbound/attempts/\(attempt)", ["outcome": "answered", "_once": ""])
            #expect(missing.0 == .unprocessableEntity && missing.1.contains("问题解决了吗"), "\(missing.0) \(missing.1.prefix(3000))")
            #expect(try await planner.post("/outbound/attempts/\(attempt)", ["outcome": "answered", "a_q1": "解决了", "a_q2": "态度很好", "_once": ""]).0 == .seeOther)
            #expect(try await TimelineEvent.query(on: app.db).filter(\.$kind == "outbound_call").count() == 1)
            let results = try await planner.get("/outbound/campaigns/\(campaign)")
            #expect(results.1.contains("态度很好") && results.1.contains("<svg"))
            let export = try await planner.get("/outbound/campaigns/\(campaign)/results.csv")
            #expect(export.0 == .ok && export.1.contains("解决了") && !export.1.contains("13800000021"))
            // An agent who is not assigned sees no campaign to call and cannot open its desk.
            let stranger = try await PageSession.signIn(app, "1001")
            #expect(try await stranger.get("/outbound/campaigns/\(campaign)/call").0 == .forbidden)
            #expect(try await stranger.get("/outbound/campaigns/\(campaign)").0 == .forbidden)
            #expect(try await PageSession.signIn(app, "5001").get("/outbound").0 == .forbidden)
        }
    }
}
