import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Quality inspection and chat with several client companies (R11.1, R11.2): contacts and
/// chats stay inside their company, and a branch's own forbidden phrases apply to its
/// contacts only and are listed for the center.
@Suite("Quality with companies and branches")
struct QualityTenancyTests {
    /// A phrase no center lexicon entry covers: only the 宁波 branch forbids it.
    static let branchPhrase = "这是宁波的规定"

    /// Company ZJ with branches HZ and NB: a QC inspector, an agent and a knowledge editor.
    static func zhejiang(_ app: Application) async throws -> TenantFixture.Placed {
        try await TenantFixture.addCompany(app, code: "ZJ", name: "浙江公司",
                                           branches: [("HZ", "杭州分公司", "0571-10000"), ("NB", "宁波分公司", "0574-10000")],
                                           users: [("7001", "qc_inspector", nil), ("7002", "agent", nil), ("7003", "knowledge_editor", nil)])
    }

    static func chatTranscript(id: String, agent: String, text: String) -> [String: Any] {
        ["id": id, "startedAt": "2026-11-20T10:00:00+08:00", "channel": "chat", "agentId": agent,
         "segments": [["speaker": "customer", "start": 0.0, "end": 1.0, "text": "请问怎么办理"],
                      ["speaker": "agent", "start": 1.5, "end": 3.0, "text": text]]]
    }

    static func rules(_ r: JSONResponse) -> [String] {
        ((r["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
    }

    @Test func anotherCompanysContactsDoNotExist() async throws {
        try await withKefu { app, u in
            let zj = try await Self.zhejiang(app)
            let a = try await api(app, .POST, "/qa/contacts", token: u.qc, body: rudeTranscript(id: "c-hq-0001"))
            #expect(a.status == .created)
            #expect(a.string("companyCode") == "HQ")
            #expect(a.string("branchCode") == "MAIN")
            let aID = try #require(a.string("contactId"))

            // B's inspector: A's contact is missing, by id, by external id, in lists and pages.
            let bqc = try zj.token("7001")
            #expect(try await api(app, .GET, "/qa/contacts/\(aID)", token: bqc).status == .notFound)
            #expect(try await api(app, .GET, "/qa/contacts/c-hq-0001", token: bqc).status == .notFound)
            #expect(try await api(app, .GET, "/qa/contacts", token: bqc)["total"] as? Int == 0)
            #expect(try await api(app, .GET, "/qa/contacts?company=HQ", token: bqc).status == .notFound)
            let page = try await PageSession.signIn(app, "7001")
            #expect(try await page.get("/qa/contacts/\(aID)").0 == .notFound)
            let queue = try await page.get("/qa")
            #expect(queue.0 == .ok)
            #expect(!queue.1.contains("c-hq-0001"))
            #expect(try await page.post("/qa/contacts/\(aID)/finish", [:]).0 == .notFound)
            let finding = try #require(try await QAFindingRecord.query(on: app.db).filter(\.$contact.$id == UUID(uuidString: aID)!).first())
            #expect(try await page.post("/qa/findings/\(try finding.requireID())/decide", ["decision": "reject"]).0 == .notFound)
            #expect(try await Contact.find(UUID(uuidString: aID), on: app.db)?.status == "scored")
            let appraisal = try await page.get("/qa/appraisal?month=2026-11")
            #expect(appraisal.0 == .ok)
            #expect(!appraisal.1.contains("data-agent=\"1001\""))

            // B imports into its branch NB; A's inspector does not see it, and external ids stay unique center-wide.
            var body = rudeTranscript(id: "c-zj-0001", agent: "7002")
            body["branchCode"] = "NB"
            let b = try await api(app, .POST, "/qa/contacts", token: bqc, body: body)
            #expect(b.status == .created)
            #expect(b.string("companyCode") == "ZJ")
            #expect(b.string("branchCode") == "NB")
            #expect(try await api(app, .GET, "/qa/contacts/c-zj-0001", token: u.qc).status == .notFound)
            #expect(try await api(app, .POST, "/qa/contacts", token: bqc, body: rudeTranscript(id: "c-hq-0001", agent: "7002")).status == .conflict)
            #expect(try await api(app, .GET, "/qa/contacts?branch=NB", token: bqc)["total"] as? Int == 1)
            #expect(try await api(app, .GET, "/qa/contacts?branch=HZ", token: bqc)["total"] as? Int == 0)
            let hq = try await PageSession.signIn(app, "4001")
            let hqQueue = try await hq.get("/qa")
            #expect(hqQueue.1.contains("c-hq-0001"))
            #expect(!hqQueue.1.contains("c-zj-0001"))

            // Granted ZJ, the center's inspector sees both, with company columns and filters.
            try await TenantFixture.grant(app, workId: "4001", companyCode: "ZJ")
            let mixed = try await hq.get("/qa")
            #expect(mixed.1.contains("c-zj-0001") && mixed.1.contains("c-hq-0001"))
            #expect(mixed.1.contains("<th>公司</th>"))
            #expect(mixed.1.contains("宁波分公司"))
            let onlyZJ = try await hq.get("/qa?company=ZJ")
            #expect(onlyZJ.0 == .ok)
            #expect(onlyZJ.1.contains("c-zj-0001") && !onlyZJ.1.contains("c-hq-0001"))
            let table = try await hq.get("/qa/appraisal?month=2026-11")
            #expect(table.1.contains("data-agent=\"7002\"") && table.1.contains("data-agent=\"1001\""))
            #expect(table.1.contains("name=\"company\""))
            let zjTable = try await hq.get("/qa/appraisal?month=2026-11&company=ZJ")
            #expect(zjTable.1.contains("data-agent=\"7002\"") && !zjTable.1.contains("data-agent=\"1001\""))
            #expect(zjTable.1.contains("company=ZJ\" id=\"csv-link\""))
            let csv = try await hq.get("/qa/appraisal.csv?month=2026-11&company=ZJ")
            #expect(csv.0 == .ok)
            #expect(csv.1.contains("公司,分公司,工号") && csv.1.contains("7002") && !csv.1.contains("1001"))
        }
    }

    @Test func aBranchsForbiddenPhraseAppliesToThatBranchOnly() async throws {
        try await withKefu { app, u in
            let zj = try await Self.zhejiang(app)
            let editor = try await PageSession.signIn(app, "7003")
            let form = try await editor.get("/qa/lexicon/additions")
            #expect(form.0 == .ok)
            let nb = try zj.branchID("NB")
            // Refused: empty, a phrase the center already forbids; nothing stored.
            #expect(try await editor.post("/qa/lexicon/additions", ["target": "b-\(nb)", "phrase": "  "]).0 == .unprocessableEntity)
            let dup = try await editor.post("/qa/lexicon/additions", ["target": "b-\(nb)", "phrase": "你自己去问问吧"])
            #expect(dup.0 == .unprocessableEntity)
            #expect(dup.1.contains("中心词库已有"))
            #expect(try await editor.post("/qa/lexicon/additions", ["target": "b-\(UUID())", "phrase": Self.branchPhrase]).0 == .notFound)
            #expect(try await LexiconAddition.query(on: app.db).count() == 0)
            // A client company's editor changes its own additions, not the center's lexicon.
            #expect(try await editor.post("/qa/lexicon", ["note": "x"]).0 == .forbidden)

            let added = try await editor.post("/qa/lexicon/additions", ["target": "b-\(nb)", "phrase": Self.branchPhrase, "note": "宁波分公司要求"])
            #expect(added.0 == .seeOther)
            #expect(try await editor.post("/qa/lexicon/additions", ["target": "c-\(zj.companyID)", "phrase": Self.branchPhrase]).0
                    == .unprocessableEntity)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "qa.lexicon_addition_added").count() == 1)

            // Found in NB's contact and chat check, not in HZ's, nor in the center's.
            let text = "您好，\(Self.branchPhrase)，请您谅解。"
            let qc = try zj.token("7001")
            var inNB = Self.chatTranscript(id: "c-nb-1", agent: "7002", text: text)
            inNB["branchCode"] = "NB"
            var inHZ = Self.chatTranscript(id: "c-hz-1", agent: "7002", text: text)
            inHZ["branchCode"] = "HZ"
            let nbContact = try await api(app, .POST, "/qa/contacts", token: qc, body: inNB)
            let hzContact = try await api(app, .POST, "/qa/contacts", token: qc, body: inHZ)
            #expect(Self.rules(nbContact) == ["forbidden.local"])
            #expect(Self.rules(hzContact).isEmpty)
            let hqContact = try await api(app, .POST, "/qa/contacts", token: u.qc, body: Self.chatTranscript(id: "c-hq-1", agent: "1001", text: text))
            #expect(Self.rules(hqContact).isEmpty)
            #expect(try await api(app, .POST, "/qa/check", token: qc, body: ["text": text, "branchCode": "NB"])["blocked"] as? Bool == true)
            #expect(try await api(app, .POST, "/qa/check", token: qc, body: ["text": text, "branchCode": "HZ"])["blocked"] as? Bool == false)
            #expect(try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": text])["blocked"] as? Bool == false)

            // Listed for the center: the center's inspector granted ZJ sees the branch's change;
            // one who was not granted sees nothing of it.
            let before = try await PageSession.signIn(app, "4001").get("/qa/lexicon/additions/report")
            #expect(before.0 == .ok)
            #expect(!before.1.contains(Self.branchPhrase))
            try await TenantFixture.grant(app, workId: "4001", companyCode: "ZJ")
            let report = try await PageSession.signIn(app, "4001").get("/qa/lexicon/additions/report")
            #expect(report.1.contains(Self.branchPhrase))
            #expect(report.1.contains("宁波分公司"))
            #expect(report.1.contains("7003"))
            #expect(report.1.contains("浙江公司"))

            // Deactivated, it no longer applies (and stays listed); another company cannot touch it.
            let row = try #require(try await LexiconAddition.query(on: app.db).first())
            let admin = try await PageSession.signIn(app, "9001")
            #expect(try await admin.post("/qa/lexicon/additions/\(try row.requireID())/deactivate", [:]).0 == .notFound)
            #expect(try await editor.post("/qa/lexicon/additions/\(try row.requireID())/deactivate", [:]).0 == .seeOther)
            inNB["id"] = "c-nb-2"
            #expect(Self.rules(try await api(app, .POST, "/qa/contacts", token: qc, body: inNB)).isEmpty)
            #expect(try await PageSession.signIn(app, "4001").get("/qa/lexicon/additions/report").1.contains("已停用"))
        }
    }

    @Test func aBranchsChatStaysWithItsCompany() async throws {
        try await withKefu { app, _ in
            let zj = try await Self.zhejiang(app)
            try await LexiconAddition(companyID: zj.companyID, branchID: try zj.branchID("NB"), kind: .forbidden, phrase: Self.branchPhrase,
                                      note: "", createdBy: "7003", createdAt: Date()).create(on: app.db)
            // The customer comes from 宁波's page.
            var customerCookie = "", csrf = ""
            try await app.testing().test(.GET, "/chat?company=ZJ&branch=NB", afterResponse: { res in
                customerCookie = res.headers.setCookie?["kefu_session"]?.string ?? ""
                csrf = PageSession.csrf(in: res.body.string)
                #expect(res.body.string.contains("name=\"branch\" value=\"NB\""))
            })
            try await app.testing().test(.POST, "/chat/start", beforeRequest: { req in
                req.headers.cookie = ["kefu_session": .init(string: customerCookie)]
                try req.content.encode(["name": "李女士", "_csrf": csrf, "company": "ZJ", "branch": "NB"], as: .urlEncodedForm)
            }, afterResponse: { res in #expect(res.status == .seeOther) })
            let chat = try #require(try await Chat.query(on: app.db).first())
            #expect(chat.companyID == zj.companyID)
            #expect(chat.branchID == (try zj.branchID("NB")))
            #expect(try await ChatMessage.query(on: app.db).filter(\.$speaker == "system").first()?.text.contains("浙江公司") == true)

            let hqAgent = try await PageSession.signIn(app, "1001")
            #expect(!(try await hqAgent.get("/chats").1.contains("李女士")))
            #expect(try await hqAgent.get("/chats/\(try chat.requireID())").0 == .notFound)
            #expect(try await hqAgent.post("/chats/\(try chat.requireID())/accept", [:]).0 == .notFound)

            let agent = try await PageSession.signIn(app, "7002")
            #expect(try await agent.get("/chats").1.contains("李女士"))
            #expect(try await agent.post("/chats/\(try chat.requireID())/accept", [:]).0 == .seeOther)
            let warned = try await agent.post("/chats/\(try chat.requireID())/send", ["text": Self.branchPhrase])
            #expect(warned.0 == .conflict)
            #expect(try await agent.post("/chats/\(try chat.requireID())/send", ["text": Self.branchPhrase, "confirm": "1"]).0 == .seeOther)
            #expect(try await agent.post("/chats/\(try chat.requireID())/close", [:]).0 == .seeOther)
            let contact = try #require(try await Contact.query(on: app.db).filter(\.$source == "chat").with(\.$findings).first())
            #expect(contact.companyID == zj.companyID)
            #expect(contact.branchID == (try zj.branchID("NB")))
            #expect(contact.findings.contains { $0.rule == "forbidden.local" })
        }
    }
}
