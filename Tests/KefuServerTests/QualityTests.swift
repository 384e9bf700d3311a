import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The sample contact of shared/formats/transcript.md: by the book on National Day.
func sampleTranscript(id: String = "c-20261001-0001", agent: String = "1001") -> [String: Any] {
    ["id": id, "startedAt": "2026-10-01T09:00:05+08:00", "channel": "phone", "agentId": agent, "segments": [
        ["speaker": "agent", "start": 0.0, "end": 3.1, "text": "节日好，星河通信，很高兴为您服务！"],
        ["speaker": "customer", "start": 3.4, "end": 8.0, "text": "我的订单号是 A20261001778，想问下什么时候发货"],
        ["speaker": "agent", "start": 8.2, "end": 11.0, "text": "您的订单号是A20261001778，对吗？请您稍等，正在为您查询。"],
        ["speaker": "system", "start": 11.0, "end": 11.0, "event": "hold_start"],
        ["speaker": "system", "start": 25.0, "end": 25.0, "event": "hold_end"],
        ["speaker": "agent", "start": 25.2, "end": 30.0, "text": "感谢您的耐心等待，您的订单今天下午发出。"],
        ["speaker": "customer", "start": 30.2, "end": 31.0, "text": "好的谢谢"],
        ["speaker": "agent", "start": 31.2, "end": 36.0, "text": "不客气。请问还有什么可以帮您？"],
        ["speaker": "customer", "start": 36.2, "end": 37.0, "text": "没有了"],
        ["speaker": "agent", "start": 37.2, "end": 42.0, "text": "请不要挂机，稍后对我的服务进行评价，祝您节日愉快，再见！"],
        ["speaker": "system", "start": 44.0, "end": 44.0, "event": "hangup", "by": "customer"],
    ]]
}

/// A call with two forbidden phrases (one in traditional characters) and an agent who hangs up first.
func rudeTranscript(id: String = "c-20261120-0007", agent: String = "1001") -> [String: Any] {
    ["id": id, "startedAt": "2026-11-20T10:00:00+08:00", "channel": "phone", "agentId": agent, "segments": [
        ["speaker": "agent", "start": 0.0, "end": 3.0, "text": "您好，星河通信，很高兴为您服务！"],
        ["speaker": "customer", "start": 3.2, "end": 6.0, "text": "宽带又断了"],
        ["speaker": "agent", "start": 6.2, "end": 9.0, "text": "知道了，知道了，不要再講了。"],
        ["speaker": "customer", "start": 9.2, "end": 11.0, "text": "你什么态度"],
        ["speaker": "agent", "start": 11.2, "end": 13.0, "text": "我就这态度！"],
        ["speaker": "system", "start": 14.0, "end": 14.0, "event": "hangup", "by": "agent"],
    ]]
}

@Suite("Quality inspection")
struct QualityTests {
    @Test func liveCheckFindsForbiddenPhrasesInAnyScript() async throws {
        try await withKefu { app, u in
            let text = "好了，知道了 ，知道了，不要再講了"
            let r = try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": text, "channel": "chat"])
            #expect(r.status == .ok)
            #expect(r["blocked"] as? Bool == true)
            let findings = try #require(r["findings"] as? [[String: Any]])
            let f = try #require(findings.first { ($0["rule"] as? String) == "forbidden.impatience" })
            let scalars = Array(text.unicodeScalars)
            let start = try #require(f["start"] as? Int), end = try #require(f["end"] as? Int)
            #expect(String(String.UnicodeScalarView(scalars[start..<end])) == "知道了 ，知道了，不要再講了")
            #expect(f["suggestion"] is String)

            let clean = try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": "我知道了，请您稍等。"])
            #expect(clean.status == .ok)
            #expect((clean["findings"] as? [Any])?.isEmpty == true)
            #expect(clean["blocked"] as? Bool == false)
        }
    }

    @Test func liveCheckRefusesBadInput() async throws {
        try await withKefu { app, u in
            #expect(try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": String(repeating: "好", count: 5001)]).status == .unprocessableEntity)
            let bad = try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": "你好", "channel": "fax"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.string("error") == "validation_failed")
            #expect(try await api(app, .POST, "/qa/check", token: u.agent, body: ["channel": "chat"]).status == .badRequest)
            #expect(try await api(app, .POST, "/qa/check", token: u.liaison, body: ["text": "你好"]).status == .forbidden)
            #expect(try await api(app, .POST, "/qa/check", token: nil, body: ["text": "你好"]).status == .unauthorized)
        }
    }

    @Test func importedContactsAreScoredOnArrival() async throws {
        try await withKefu { app, u in
            let good = try await api(app, .POST, "/qa/contacts", token: u.qc, body: sampleTranscript())
            #expect(good.status == .created)
            #expect(good["score"] as? Int == 100)
            #expect((good["findings"] as? [Any])?.isEmpty == true)
            #expect(good.string("localDay") == "2026-10-01")

            let rude = try await api(app, .POST, "/qa/contacts", token: u.qc, body: rudeTranscript())
            #expect(rude.status == .created)
            let rules = Set(((rude["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String })
            #expect(rules.contains("forbidden.impatience"))
            #expect(rules.contains("call.agent_hung_up_first"))
            #expect((rude["score"] as? Int ?? 100) < 100)

            // The same contact twice, a broken one, and an agent importing: refused, nothing stored.
            #expect(try await api(app, .POST, "/qa/contacts", token: u.qc, body: sampleTranscript()).status == .conflict)
            var broken = sampleTranscript(id: "c-x"); broken["channel"] = "pigeon"
            #expect(try await api(app, .POST, "/qa/contacts", token: u.qc, body: broken).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/qa/contacts", token: u.qc, body: ["id": "c-y"]).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/qa/contacts", token: u.agent, body: sampleTranscript(id: "c-z")).status == .forbidden)
            #expect(try await Contact.query(on: app.db).count() == 2)

            // Agents read only their own contacts.
            _ = try await api(app, .POST, "/qa/contacts", token: u.qc, body: sampleTranscript(id: "c-other", agent: "1002"))
            let mine = try await api(app, .GET, "/qa/contacts", token: u.agent)
            #expect(mine["total"] as? Int == 2)
            let all = try await api(app, .GET, "/qa/contacts", token: u.qc)
            #expect(all["total"] as? Int == 3)
            #expect(try await api(app, .GET, "/qa/contacts/c-other", token: u.agent).status == .forbidden)
            #expect(try await api(app, .GET, "/qa/contacts/c-20261120-0007", token: u.agent).status == .ok)
            #expect(try await api(app, .GET, "/qa/contacts/nope", token: u.qc).status == .notFound)
        }
    }

    @Test func reviewThenOneAppealSettlesTheScore() async throws {
        try await withKefu { app, u in
            let rude = try await api(app, .POST, "/qa/contacts", token: u.qc, body: rudeTranscript())
            let contactId = try #require(rude.string("contactId"))
            let findings = try #require(rude["findings"] as? [[String: Any]])
            let hangUp = try #require(findings.first { $0["rule"] as? String == "call.agent_hung_up_first" }?["id"] as? String)

            let qc = try await PageSession.signIn(app, "4001")
            #expect(try await qc.get("/qa").0 == .ok)
            #expect(try await qc.get("/qa/contacts/\(contactId)").1.contains("<mark"))
            // Reject one finding, add a manual one, finish.
            #expect(try await qc.post("/qa/findings/\(hangUp)/decide", ["decision": "reject", "note": "线路掉线"]).0 == .seeOther)
            let refused = try await qc.post("/qa/contacts/\(contactId)/findings", ["rule": "manual.other", "note": ""])
            #expect(refused.0 == .unprocessableEntity)
            #expect(refused.1.contains("请写明人工发现的说明"))
            #expect(try await qc.post("/qa/contacts/\(contactId)/findings", ["rule": "manual.other", "note": "语气生硬", "points": "5"]).0 == .seeOther)
            #expect(try await qc.post("/qa/contacts/\(contactId)/finish", [:]).0 == .seeOther)
            let reviewed = try await api(app, .GET, "/qa/contacts/\(contactId)", token: u.agent)
            #expect(reviewed.string("status") == "reviewed")
            let kept = ((reviewed["findings"] as? [[String: Any]]) ?? []).filter { $0["state"] as? String != "rejected" }
            let expected = max(0, 100 - kept.reduce(0) { $0 + ($1["points"] as? Int ?? 0) })
            #expect(reviewed["finalScore"] as? Int == expected)

            // The agent appeals once; a second appeal and another agent's appeal are refused.
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/qa/mine").1.contains("c-20261120-0007"))
            let empty = try await agent.post("/qa/contacts/\(contactId)/appeal", ["reason": " "])
            #expect(empty.0 == .unprocessableEntity)
            #expect(try await agent.post("/qa/contacts/\(contactId)/appeal", ["reason": "客户先辱骂"]).0 == .seeOther)
            #expect(try await agent.post("/qa/contacts/\(contactId)/appeal", ["reason": "再申诉"]).0 == .conflict)
            let other = try await PageSession.signIn(app, "1002")
            #expect(try await other.post("/qa/contacts/\(contactId)/appeal", ["reason": "x"]).0 == .forbidden)

            // The inspector withdraws the manual finding: the score goes back up, and the case is settled.
            let manual = try #require(try await QAFindingRecord.query(on: app.db).filter(\.$source == "manual").first())
            let before = reviewed["finalScore"] as? Int ?? 0
            #expect(try await qc.post("/qa/contacts/\(contactId)/appeal/decide", ["withdraw[]": manual.id!.uuidString, "note": "情有可原"]).0 == .seeOther)
            let settled = try await api(app, .GET, "/qa/contacts/\(contactId)", token: u.agent)
            #expect(settled.string("status") == "settled")
            #expect(settled["finalScore"] as? Int == min(100, before + 5))
            #expect(try await qc.post("/qa/findings/\(hangUp)/decide", ["decision": "confirm"]).0 == .conflict)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "appeal.upheld").count() == 1)

            // The monthly table and its CSV.
            let lead = try await PageSession.signIn(app, "3001")
            let table = try await lead.get("/qa/appraisal?month=2026-11")
            #expect(table.0 == .ok)
            #expect(table.1.contains("data-agent=\"1001\""))
            let csv = try await lead.get("/qa/appraisal.csv?month=2026-11")
            #expect(csv.1.hasPrefix("\u{FEFF}工号"))
            #expect(try await lead.get("/qa/appraisal?month=2026-13").0 == .unprocessableEntity)
        }
    }

    @Test func lexiconEditsAreVersionedAndReachEveryProcess() async throws {
        try await withKefu { app, u in
            let lexicon = try await api(app, .GET, "/qa/lexicon", token: u.agent)
            var forbidden = try #require(lexicon["forbidden"] as? [[String: Any]])
            let version = try #require(lexicon["version"] as? Int)
            #expect(try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": "你去隔壁营业厅办吧"])["blocked"] as? Bool == false)

            forbidden.append(["phrase": "你去隔壁营业厅办吧", "rule": "forbidden.shirking", "suggestion": "我来为您办理。"])
            var body = lexicon.json
            body["forbidden"] = forbidden
            #expect(try await api(app, .PUT, "/qa/lexicon", token: u.agent, body: body).status == .forbidden)
            let saved = try await api(app, .PUT, "/qa/lexicon", token: u.admin, body: body)
            #expect(saved.status == .created)
            #expect(saved["version"] as? Int == version + 1)

            // Another process on the same database sees the new version on its next request.
            let other = try await sibling(of: app, clock: app.kefu.clock)
            let check = try await api(other, .POST, "/qa/check", token: u.agent, body: ["text": "你去隔壁營業廳辦吧"])
            #expect(check["blocked"] as? Bool == true)
            try await other.asyncShutdown()

            // A broken lexicon is refused and the version in force stays.
            var broken = body
            broken["forbidden"] = [["phrase": "", "rule": "forbidden.shirking"]]
            let refused = try await api(app, .PUT, "/qa/lexicon", token: u.admin, body: broken)
            #expect(refused.status == .unprocessableEntity)
            #expect(try await api(app, .GET, "/qa/lexicon", token: u.agent)["version"] as? Int == version + 1)

            // The admin page: test box and scorecard.
            let admin = try await PageSession.signIn(app, "9001")
            let page = try await admin.get("/qa/lexicon?test=" + "我就这态度！".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)
            #expect(page.0 == .ok)
            #expect(page.1.contains("forbidden.impatience"))
            var points: [String: String] = ["defaultPoints": "7"]
            for r in QARule.allCases { points["p_" + r.rawValue.replacingOccurrences(of: ".", with: "_")] = "3" }
            #expect(try await admin.post("/qa/scorecard", points).0 == .seeOther)
            points["defaultPoints"] = "abc"
            #expect(try await admin.post("/qa/scorecard", points).0 == .unprocessableEntity)
            #expect(try await admin.post("/qa/greeting-days", ["from": "2026-10-02", "to": "2026-10-08", "kind": "festival", "name": "国庆假期"]).0 == .seeOther)
            #expect(try await GreetingDay.query(on: app.db).count() == 7)
            #expect(try await admin.post("/qa/greeting-days", ["from": "2026-10-09", "to": "2026-10-01", "kind": "festival"]).0 == .unprocessableEntity)
        }
    }

    @Test func chatWarnsBeforeAForbiddenLineAndScoresTheChat() async throws {
        try await withKefu { app, _ in
            // The customer starts a chat (no account) and writes.
            var customerCookie = "", chatCookie = "", csrf = ""
            try await app.testing().test(.GET, "/chat", afterResponse: { res in
                customerCookie = res.headers.setCookie?["kefu_session"]?.string ?? ""
                csrf = PageSession.csrf(in: res.body.string)
            })
            try await app.testing().test(.POST, "/chat/start", beforeRequest: { req in
                req.headers.cookie = ["kefu_session": .init(string: customerCookie)]
                try req.content.encode(["name": "王先生", "_csrf": csrf], as: .urlEncodedForm)
            }, afterResponse: { res in
                #expect(res.status == .seeOther)
                chatCookie = res.headers.setCookie?[ChatService.cookie]?.string ?? ""
            })
            try await app.testing().test(.POST, "/chat/send", beforeRequest: { req in
                req.headers.cookie = ["kefu_session": .init(string: customerCookie), ChatService.cookie: .init(string: chatCookie)]
                try req.content.encode(["text": "我的宽带断了", "_csrf": csrf], as: .urlEncodedForm)
            }, afterResponse: { res in #expect(res.status == .seeOther) })
            let chat = try #require(try await Chat.query(on: app.db).first())

            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/chats").1.contains("王先生"))
            #expect(try await agent.post("/chats/\(chat.id!)/accept", [:]).0 == .seeOther)
            #expect(try await agent.post("/chats/\(chat.id!)/send", ["text": "您好，请问有什么可以帮您？"]).0 == .seeOther)
            // A forbidden line is held back with the warning, and kept in the box.
            let warned = try await agent.post("/chats/\(chat.id!)/send", ["text": "你自己去问问吧"])
            #expect(warned.0 == .conflict)
            #expect(warned.1.contains("服务忌语"))
            #expect(warned.1.contains("你自己去问问吧"))
            #expect(try await ChatMessage.query(on: app.db).filter(\.$speaker == "agent").count() == 1)
            // Confirmed, it goes out and is marked for QC.
            #expect(try await agent.post("/chats/\(chat.id!)/send", ["text": "你自己去问问吧", "confirm": "1"]).0 == .seeOther)
            #expect(try await ChatMessage.query(on: app.db).filter(\.$confirmedWarning == true).count() == 1)
            // Another agent cannot write into it.
            let other = try await PageSession.signIn(app, "1002")
            #expect(try await other.post("/chats/\(chat.id!)/send", ["text": "你好"]).0 == .conflict)

            #expect(try await agent.post("/chats/\(chat.id!)/close", [:]).0 == .seeOther)
            let contact = try #require(try await Contact.query(on: app.db).filter(\.$source == "chat").with(\.$findings).first())
            #expect(contact.agentWorkId == "1001")
            #expect(contact.findings.contains { $0.rule == "forbidden.shirking" })
            #expect(contact.findings.allSatisfy { !$0.rule.hasPrefix("opening.") && !$0.rule.hasPrefix("hold.") })
        }
    }

    @Test func importPageReportsBadLinesByNumberAndKeepsTheGoodOnes() async throws {
        try await withKefu { app, _ in
            let qc = try await PageSession.signIn(app, "4001")
            let good = String(decoding: try JSONSerialization.data(withJSONObject: sampleTranscript()), as: UTF8.self)
            let (status, html) = try await qc.post("/qa/import", ["text": good + "\n{not json\n"])
            #expect(status == .ok)
            #expect(html.contains("已导入并评分 1 通"))
            #expect(html.contains("第 2 行"))
            #expect(try await Contact.query(on: app.db).count() == 1)
            let none = try await qc.post("/qa/import", ["text": ""])
            #expect(none.0 == .unprocessableEntity)
        }
    }
}
