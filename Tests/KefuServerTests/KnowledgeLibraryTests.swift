import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The rest of the knowledge base: liaisons' submissions and the editor's answers, pictures,
/// the case library linked to work orders, suggestions on the order page, and required
/// reading for named groups (R6.1, R6.2).
@Suite("Knowledge library (R6.1, R6.2)")
struct KnowledgeLibraryTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 24)

    struct Upload: Content { var _csrf: String; var _once: String?; var alt: String; var file: File }

    /// Posts a picture as the browser's multipart form does.
    func upload(_ s: PageSession, _ path: String, bytes: [UInt8], name: String = "p.png", once: String? = nil) async throws -> (HTTPStatus, String, String?) {
        var out: (HTTPStatus, String, String?) = (.internalServerError, "", nil)
        try await s.app.testing().test(.POST, path, beforeRequest: { req in
            req.headers.cookie = ["kefu_session": .init(string: s.cookie)]
            try req.content.encode(Upload(_csrf: s.csrf, _once: once, alt: "光猫照片", file: File(data: ByteBuffer(bytes: bytes), filename: name)), as: .formData)
        }, afterResponse: { res in out = (res.status, res.body.string, res.headers.first(name: .location)) })
        return out
    }

    func published(_ app: Application, _ editor: PageSession, _ form: [String: String]) async throws -> String {
        let id = try await KnowledgeBaseTests().create(editor, form)
        #expect(try await editor.post("/kb/articles/\(id)/publish", [:]).0 == .seeOther)
        return id
    }

    @Test func liaisonsSubmitAndTheEditorAnswers() async throws {
        try await withKefu { app, _ in
            let liaison = try await PageSession.signIn(app, "5001")
            let editor = try await PageSession.signIn(app, "9001")
            #expect(try await PageSession.signIn(app, "4001").get("/kb/submissions").0 == .forbidden)
            // Sent twice with the same form token: stored once.
            let form = ["kind": "new", "title": "光猫更换需带旧设备", "text": "上门更换光猫时回收旧光猫。", "_once": "tok-1"]
            #expect(try await liaison.post("/kb/submissions", form).0 == .seeOther)
            #expect(try await liaison.post("/kb/submissions", form).0 == .seeOther)
            #expect(try await KnowledgeSubmissionRecord.query(on: app.db).count() == 1)
            let bad = try await liaison.post("/kb/submissions", ["kind": "correction", "title": "有误", "text": "应为 60 元"])
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("纠错须指明要更正的文章"))
            let s = try #require(try await KnowledgeSubmissionRecord.query(on: app.db).first())
            let sid = try s.requireID().uuidString
            // Another liaison does not see it; the liaison may not answer it.
            #expect(!(try await PageSession.signIn(app, "5002").get("/kb/submissions").1.contains("光猫更换需带旧设备")))
            #expect(try await liaison.post("/kb/submissions/\(sid)/accept", [:]).0 == .forbidden)
            #expect(try await editor.get("/kb/submissions").1.contains("光猫更换需带旧设备"))
            #expect(try await editor.get("/kb").1.contains("待处理 1 条"))
            // Declining needs a reason.
            #expect(try await editor.post("/kb/submissions/\(sid)/reject", ["reply": " "]).0 == .unprocessableEntity)
            let accepted = try await editor.post("/kb/submissions/\(sid)/accept", [:])
            #expect(accepted.0 == .seeOther)
            #expect(try await editor.post("/kb/submissions/\(sid)/reject", ["reply": "重复"]).0 == .conflict)
            let draft = try #require(try await KnowledgeArticleRecord.query(on: app.db).filter(\.$title == "光猫更换需带旧设备").first())
            #expect(draft.status == .draft && draft.body.contains("回收旧光猫"))
            #expect(try await KefuNotification.query(on: app.db).filter(\.$recipientWorkId == "5001").all().contains { $0.message.contains("已采纳") })
            // A correction from the article page names the article.
            let article = try await published(app, editor, ["category": "资费", "title": "宽带资费", "officialWording": "100M 每月 50 元。", "body": ""])
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/kb/articles/\(article)").1.contains("/kb/submissions?article=\(article)"))
            #expect(try await agent.get("/kb/submissions?article=\(article)").1.contains("纠错：《宽带资费》"))
            #expect(try await agent.post("/kb/submissions", ["kind": "correction", "article": article, "title": "资费有误", "text": "应为 60 元"]).0 == .seeOther)
            let corr = try #require(try await KnowledgeSubmissionRecord.query(on: app.db).filter(\.$kind == .correction).first())
            #expect(try await editor.post("/kb/submissions/\(corr.requireID())/reject", ["reply": "资费未调整"]).0 == .seeOther)
            #expect(try await agent.get("/kb/submissions").1.contains("资费未调整"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "knowledge.submission_rejected").count() == 1)
        }
    }

    @Test func picturesAreCheckedStoredAndServedSafely() async throws {
        try await withKefu { app, _ in
            let editor = try await PageSession.signIn(app, "9001")
            let id = try await KnowledgeBaseTests().create(editor, ["category": "设备操作", "title": "光猫指示灯", "officialWording": "", "body": "见图"])
            let svg = try await upload(editor, "/kb/articles/\(id)/images", bytes: Array("<svg onload=alert(1)>".utf8), name: "x.png")
            #expect(svg.0 == .unprocessableEntity && svg.1.contains("只接受 PNG"))
            let big = try await upload(editor, "/kb/articles/\(id)/images", bytes: Self.png + Array(repeating: 0, count: KnowledgeImage.maxBytes))
            #expect(big.0 == .unprocessableEntity || big.0 == .payloadTooLarge)
            #expect(try await KnowledgeImageRecord.query(on: app.db).count() == 0)
            #expect(try await upload(editor, "/kb/articles/\(id)/images", bytes: Self.png, once: "img-1").0 == .seeOther)
            #expect(try await upload(editor, "/kb/articles/\(id)/images", bytes: Self.png, once: "img-1").0 == .seeOther)
            #expect(try await KnowledgeImageRecord.query(on: app.db).count() == 1)
            let image = try #require(try await KnowledgeImageRecord.query(on: app.db).first())
            let a = try #require(try await KnowledgeArticleRecord.find(UUID(uuidString: id), on: app.db))
            #expect(a.body.hasSuffix("![光猫照片](/kb/images/\(try image.requireID().uuidString))"))
            #expect(try await editor.post("/kb/articles/\(id)/publish", [:]).0 == .seeOther)
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/kb/articles/\(id)").1.contains("<img src=\"/kb/images/\(try image.requireID().uuidString)\""))
            try await app.testing().test(.GET, "/kb/images/\(try image.requireID().uuidString)", beforeRequest: { req in
                req.headers.cookie = ["kefu_session": .init(string: agent.cookie)]
            }, afterResponse: { res in
                #expect(res.status == .ok && res.headers.contentType?.description == "image/png")
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(res.headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)
                #expect(Array(res.body.readableBytesView) == Self.png)
            })
            try await app.testing().test(.GET, "/kb/images/\(try image.requireID().uuidString)", afterResponse: { res in
                #expect(res.status != .ok)
            })
            #expect(try await agent.get("/kb/images/\(UUID().uuidString)").0 == .notFound)
            // Only the editor puts pictures in articles.
            #expect(try await upload(agent, "/kb/articles/\(id)/images", bytes: Self.png).0 == .forbidden)
        }
    }

    @Test func casesComeFromOrdersAndShowOnThem() async throws {
        try await withKefu { app, u in
            let order = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            let number = try #require(try await WorkOrder.find(UUID(uuidString: order), on: app.db)?.number)
            let lead = try await PageSession.signIn(app, "3001")
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/kb/cases/new").0 == .forbidden)
            #expect(!(try await agent.get("/work-orders/\(order)").1.contains("id=\"write-case\"")))
            let (_, form) = try await lead.get("/kb/cases/new?order=\(order)")
            #expect(form.contains("宽带断线") && form.contains("每天晚上八点断线") && form.contains(number))
            let missing = try await lead.post("/kb/cases", ["title": "宽带断线", "problem": "反复断线", "lesson": "", "order": order])
            #expect(missing.0 == .unprocessableEntity && missing.1.contains("经验教训"))
            let saved = try await lead.post("/kb/cases", ["title": "宽带夜间断线", "problem": "每天晚上八点断线", "cause": "小区交换机过载",
                                                          "department": u.departmentID.uuidString, "lesson": "夜间集中断线先查小区设备", "order": order, "_once": "case-1"])
            #expect(saved.0 == .seeOther)
            #expect(try await lead.post("/kb/cases", ["title": "宽带夜间断线", "problem": "x", "lesson": "y", "order": order, "_once": "case-1"]).0 == .seeOther)
            #expect(try await KnowledgeCaseRecord.query(on: app.db).count() == 1)
            let c = try #require(try await KnowledgeCaseRecord.query(on: app.db).first()).requireID().uuidString
            // Everyone reads cases; the order page lists the case.
            let (status, page) = try await agent.get("/kb/cases/\(c)")
            #expect(status == .ok && page.contains("小区交换机过载") && page.contains("技术部") && page.contains(number))
            #expect(try await agent.get("/work-orders/\(order)").1.contains("/kb/cases/\(c)"))
            // A liaison of another department reads the case but not the order.
            let other = try await PageSession.signIn(app, "5002").get("/kb/cases/\(c)")
            #expect(other.0 == .ok && !other.1.contains(number))
            // Photos and further orders.
            #expect(try await upload(lead, "/kb/cases/\(c)/photos", bytes: Self.png).0 == .seeOther)
            #expect(try await lead.get("/kb/cases/\(c)").1.contains("/kb/images/"))
            #expect(try await lead.post("/kb/cases/\(c)/orders", ["order": "GD-NOPE"]).0 == .unprocessableEntity)
            let second = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(phone: "13900139000")).string("id"))
            let secondNumber = try #require(try await WorkOrder.find(UUID(uuidString: second), on: app.db)?.number)
            #expect(try await lead.post("/kb/cases/\(c)/orders", ["order": secondNumber]).0 == .seeOther)
            #expect(try await lead.post("/kb/cases/\(c)/orders", ["order": secondNumber]).0 == .seeOther)
            #expect(try await KnowledgeCaseOrder.query(on: app.db).count() == 2)
            #expect(try await PageSession.signIn(app, "5001").post("/kb/cases/\(c)", ["title": "改"]).0 == .forbidden)
        }
    }

    @Test func theOrderPageSuggestsMatchingArticles() async throws {
        try await withKefu { app, u in
            let editor = try await PageSession.signIn(app, "9001")
            let fits = try await published(app, editor, ["category": "故障处理", "title": "宽带夜间断线排查", "officialWording": "请您重启光猫后再试。", "body": "晚上断线多为小区设备过载。"])
            let other = try await published(app, editor, ["category": "资费", "title": "资费说明", "officialWording": "100M 每月 50 元。", "body": ""])
            let order = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            let (_, page) = try await PageSession.signIn(app, "1001").get("/work-orders/\(order)")
            #expect(page.contains("id=\"kb-suggestions\"") && page.contains("/kb/articles/\(fits)") && !page.contains("/kb/articles/\(other)"))
            #expect(page.contains("请您重启光猫后再试"))
        }
    }

    @Test func theScreenPopSuggestsArticlesForTheCallersOpenOrder() async throws {
        try await withKefu { app, u in
            let editor = try await PageSession.signIn(app, "9001")
            let fits = try await published(app, editor, ["category": "故障处理", "title": "宽带夜间断线排查", "officialWording": "请您重启光猫后再试。", "body": "晚上断线多为小区设备过载。"])
            _ = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(phone: "13300133000")).string("id"))
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.post("/workspace/seat", ["action": "login"]).0 == .seeOther)
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: app.kefu.clock.now())
            let t = app.kefu.clock.now()
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "p1", "type": "enqueued", "at": iso(t), "callId": "c1", "queue": "inbound", "caller": "13300133000"],
                ["id": "p2", "type": "answered", "at": iso(t.addingTimeInterval(2)), "callId": "c1", "agentWorkId": "1001"],
            ])
            let html = try await agent.get("/workspace").1
            #expect(html.contains("id=\"pop-articles\"") && html.contains("/kb/articles/\(fits)"))
        }
    }

    @Test func requiredReadingCanBeForNamedGroups() async throws {
        try await withKefu { app, _ in
            let editor = try await PageSession.signIn(app, "9001")
            let bad = try await editor.post("/kb", ["category": "服务规范", "title": "VIP 接待", "body": "x", "audience[]": "night"])
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("未知的组"))
            let id = try await published(app, editor, ["category": "服务规范", "title": "VIP 接待规范", "officialWording": "尊敬的客户您好。", "body": "",
                                                       "requiredReading": "1", "audience[]": "vip"])
            let agent = try await PageSession.signIn(app, "1001")
            #expect(!(try await agent.get("/kb").1.contains("id=\"kb-unread\"")))
            #expect(try await editor.get("/kb/articles/\(id)").1.contains("VIP组"))
            let company = try #require(try await User.query(on: app.db).filter(\.$workId == "1001").first()).companyID
            try await EmergencyCoordinator.saveRoster([.vip: ["1001"]], company: company, on: app.db)
            #expect(try await agent.get("/kb").1.contains("id=\"kb-unread\""))
            let (_, readers) = try await PageSession.signIn(app, "3001").get("/kb/articles/\(id)")
            #expect(readers.contains("未确认 1 人") && readers.contains("1001"))
        }
    }
}
