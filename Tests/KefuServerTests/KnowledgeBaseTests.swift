import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The knowledge base (R6.1): the editor's drafts and versions, the official wording's
/// language check, required reading confirmed by each agent and followed by the leads,
/// safe Markdown, and articles in the one search box.
@Suite("Knowledge base (R6.1)")
struct KnowledgeBaseTests {
    static func articleID(in location: String) -> String? {
        location.split(separator: "/").last.map(String.init)
    }

    func create(_ editor: PageSession, _ form: [String: String]) async throws -> String {
        var id = ""
        try await editor.app.testing().test(.POST, "/kb", beforeRequest: { req in
            req.headers.cookie = ["kefu_session": .init(string: editor.cookie)]
            var body = form
            body["_csrf"] = editor.csrf
            try req.content.encode(body, as: .urlEncodedForm)
        }, afterResponse: { res in
            #expect(res.status == .seeOther, "\(res.body.string)")
            id = Self.articleID(in: res.headers.first(name: .location) ?? "") ?? ""
        })
        return id
    }

    @Test func draftPublishVersionsAndTheLanguageCheck() async throws {
        try await withKefu { app, _ in
            let editor = try await PageSession.signIn(app, "9001")
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/kb/new").0 == .forbidden)
            #expect(try await PageSession.signIn(app, "5001").post("/kb", ["title": "x"]).0 == .forbidden)
            let id = try await create(editor, ["category": "资费", "title": "宽带资费说明", "officialWording": "您好，宽带 100M 每月 50 元。",
                                               "body": "## 资费\n- 100M：50 元\n<script>alert(1)</script>"])
            // A draft is the editor's only.
            #expect(try await agent.get("/kb/articles/\(id)").0 == .notFound)
            #expect(try await editor.post("/kb/articles/\(id)/publish", ["note": "首发"]).0 == .seeOther)
            let (status, page) = try await agent.get("/kb/articles/\(id)")
            #expect(status == .ok && page.contains("宽带 100M 每月 50 元") && page.contains("<h3>资费</h3>"))
            #expect(page.contains("&lt;script&gt;") && !page.contains("<script>alert"))
            // A second version: the old one stays readable, with the difference shown.
            #expect(try await editor.post("/kb/articles/\(id)", ["category": "资费", "title": "宽带资费说明", "officialWording": "您好，宽带 100M 每月 60 元。", "body": "## 资费"]).0 == .seeOther)
            // Agents still read version 1 until the draft is published.
            #expect(try await agent.get("/kb/articles/\(id)").1.contains("50 元"))
            #expect(try await editor.post("/kb/articles/\(id)/publish", [:]).0 == .seeOther)
            #expect(try await editor.post("/kb/articles/\(id)/publish", [:]).0 == .conflict)
            let (_, v2) = try await agent.get("/kb/articles/\(id)/versions/2")
            #expect(v2.contains("diff-removed") && v2.contains("50 元") && v2.contains("diff-added") && v2.contains("60 元"))
            #expect(try await agent.get("/kb/articles/\(id)/versions/1").1.contains("50 元"))
            #expect(try await agent.get("/kb/articles/\(id)/versions/9").0 == .notFound)
            // A forbidden phrase in the official wording is never published.
            #expect(try await editor.post("/kb/articles/\(id)", ["category": "资费", "title": "宽带资费说明", "officialWording": "你有钱你找贵的充啊！", "body": ""]).0 == .seeOther)
            let refused = try await editor.post("/kb/articles/\(id)/publish", [:])
            #expect(refused.0 == .unprocessableEntity && refused.1.contains("服务忌语"))
            #expect(try await KnowledgeVersion.query(on: app.db).count() == 2)
            // Bad input keeps what was typed.
            let bad = try await editor.post("/kb", ["category": "资费", "title": "", "body": "正文", "effectiveFrom": "2026-13-01"])
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("生效日期") && bad.1.contains("正文"))
        }
    }

    @Test func requiredReadingIsConfirmedAndFollowed() async throws {
        try await withKefu { app, _ in
            let editor = try await PageSession.signIn(app, "9001")
            let id = try await create(editor, ["category": "服务规范", "title": "新版开场白", "officialWording": "您好，很高兴为您服务。", "body": "", "requiredReading": "1"])
            #expect(try await editor.post("/kb/articles/\(id)/publish", [:]).0 == .seeOther)
            let agent = try await PageSession.signIn(app, "1001")
            let (_, list) = try await agent.get("/kb")
            #expect(list.contains("id=\"kb-unread\"") && list.contains("新版开场白"))
            #expect(try await agent.get("/workspace").1.contains("新版开场白"))
            let lead = try await PageSession.signIn(app, "3001")
            let (_, before) = try await lead.get("/kb/articles/\(id)")
            #expect(before.contains("id=\"kb-readers\"") && before.contains("1001"))
            #expect(try await agent.post("/kb/articles/\(id)/read", [:]).0 == .seeOther)
            #expect(try await agent.post("/kb/articles/\(id)/read", [:]).0 == .seeOther)
            #expect(try await KnowledgeReading.query(on: app.db).count() == 1)
            #expect(!(try await agent.get("/kb").1.contains("id=\"kb-unread\"")))
            // QC inspectors read articles but are not asked to confirm them.
            let (qcStatus, qcPage) = try await PageSession.signIn(app, "4001").get("/kb/articles/\(id)")
            #expect(qcStatus == .ok && !qcPage.contains("id=\"kb-confirm\""))
        }
    }

    @Test func publishedArticlesAreInTheSearchBox() async throws {
        try await withKefu { app, u in
            let editor = try await PageSession.signIn(app, "9001")
            let id = try await create(editor, ["category": "故障处理", "title": "光猫红灯处理", "officialWording": "请您先重启光猫。", "body": "红灯表示光信号中断。"])
            let path = "/search?q=" + ("光猫红灯".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            func articles(_ token: String) async throws -> [[String: Any]] {
                let r = try await api(app, .GET, path, token: token)
                return ((r["groups"] as? [[String: Any]]) ?? []).first { $0["kind"] as? String == "articles" }?["items"] as? [[String: Any]] ?? []
            }
            #expect(try await articles(u.agent).isEmpty)
            #expect(try await editor.post("/kb/articles/\(id)/publish", [:]).0 == .seeOther)
            #expect(try await articles(u.agent).compactMap { $0["href"] as? String } == ["/kb/articles/\(id)"])
            #expect(try await articles(u.qc).count == 1)
        }
    }
}
