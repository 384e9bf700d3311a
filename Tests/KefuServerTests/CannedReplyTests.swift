import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Canned replies (R6.3): one's own and the center's shared ones, the language check on
/// save, the variables filled in for a chat, and who may keep what.
@Suite("Canned replies (R6.3)")
struct CannedReplyTests {
    @Test func personalAndSharedRepliesWithTheLanguageCheck() async throws {
        try await withKefu { app, u in
            let own = try await api(app, .POST, "/canned-replies", token: u.agent,
                                    body: ["shortcut": "kd", "title": "宽带安抚", "text": "{问候语}，{客户姓名}，我是{工号}号客服，马上为您处理。"])
            #expect(own.status == .created, "\(own.json)")
            #expect(own["shared"] as? Bool == false && own.string("owner") == "1001")
            // The same shortcut twice is a 409, never a second reply.
            #expect(try await api(app, .POST, "/canned-replies", token: u.agent, body: ["shortcut": "kd", "title": "又一条", "text": "您好"]).status == .conflict)
            // A forbidden phrase is refused, the phrase named.
            let rude = try await api(app, .POST, "/canned-replies", token: u.agent,
                                     body: ["shortcut": "bad", "title": "不耐烦", "text": "你有钱你找贵的充啊！"])
            #expect(rude.status == .unprocessableEntity && rude.string("error") == "forbidden_phrase", "\(rude.json)")
            #expect(rude.string("reason")?.contains("「") == true)
            // Unknown variables and empty fields.
            let unknown = try await api(app, .POST, "/canned-replies", token: u.agent, body: ["shortcut": "v", "title": "变量", "text": "您好{客户电话}"])
            #expect(unknown.status == .unprocessableEntity && unknown.string("reason")?.contains("{客户电话}") == true)
            #expect(try await api(app, .POST, "/canned-replies", token: u.agent, body: ["shortcut": "a b", "title": "", "text": ""]).status == .unprocessableEntity)
            // Shared replies are kept by the editor and the leads, not by an agent.
            #expect(try await api(app, .POST, "/canned-replies", token: u.agent, body: ["shortcut": "s", "title": "共享", "text": "您好", "shared": true]).status == .forbidden)
            let shared = try await api(app, .POST, "/canned-replies", token: u.shiftLead,
                                       body: ["shortcut": "bye", "title": "结束语", "text": "感谢您的来电，祝您生活愉快。", "shared": true])
            #expect(shared.status == .created, "\(shared.json)")
            let sharedID = try #require(shared.string("id"))
            // Each agent sees their own and the shared ones; never another agent's.
            let list1 = try await api(app, .GET, "/canned-replies", token: u.agent)
            #expect(((list1["items"] as? [[String: Any]]) ?? []).compactMap { $0["shortcut"] as? String } == ["bye", "kd"])
            let list2 = try await api(app, .GET, "/canned-replies", token: u.agent2)
            #expect(((list2["items"] as? [[String: Any]]) ?? []).compactMap { $0["shortcut"] as? String } == ["bye"])
            let ownID = try #require(own.string("id"))
            // Another agent's own reply does not exist for agent2.
            #expect(try await api(app, .DELETE, "/canned-replies/\(ownID)", token: u.agent2).status == .notFound)
            #expect(try await api(app, .PUT, "/canned-replies/\(ownID)", token: u.agent2, body: ["shortcut": "x", "title": "x", "text": "您好"]).status == .notFound)
            #expect(try await api(app, .PUT, "/canned-replies/\(sharedID)", token: u.agent, body: ["shortcut": "bye", "title": "改", "text": "再见"]).status == .forbidden)
            // QC scores transcripts; it keeps no replies.
            #expect(try await api(app, .GET, "/canned-replies", token: u.qc).status == .forbidden)
            // Changing one's own: checked again.
            let changed = try await api(app, .PUT, "/canned-replies/\(ownID)", token: u.agent, body: ["shortcut": "kd", "title": "宽带安抚", "text": "知道了，知道了，不要再讲了"])
            #expect(changed.status == .unprocessableEntity)
            #expect(try await api(app, .PUT, "/canned-replies/\(ownID)", token: u.agent, body: ["shortcut": "kd2", "title": "宽带安抚", "text": "{客户姓名}您好"]).status == .ok)
            #expect(try await api(app, .DELETE, "/canned-replies/\(ownID)", token: u.agent).status == .noContent)
            #expect(try await api(app, .DELETE, "/canned-replies/\(ownID)", token: u.agent).status == .notFound)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["canned_reply.created", "canned_reply.changed", "canned_reply.deleted"]).count() == 4)
        }
    }

    /// A repeated create answers the first result; once that reply is deleted, the repeat
    /// makes it anew instead of answering with a reply that is gone.
    @Test func aRepeatedCreateAfterADeleteMakesItAgain() async throws {
        try await withKefu { app, u in
            let body: [String: Any] = ["shortcut": "rp", "title": "重复", "text": "您好"]
            let first = try await IdempotencyTests.call(app, .POST, "/canned-replies", token: u.agent, key: "k-1", body: body)
            let again = try await IdempotencyTests.call(app, .POST, "/canned-replies", token: u.agent, key: "k-1", body: body)
            #expect(first.0 == .created && again.0 == .created && first.1 == again.1)
            let id = try #require((try JSONSerialization.jsonObject(with: Data(first.1.utf8)) as? [String: Any])?["id"] as? String)
            #expect(try await api(app, .DELETE, "/canned-replies/\(id)", token: u.agent).status == .noContent)
            let anew = try await IdempotencyTests.call(app, .POST, "/canned-replies", token: u.agent, key: "k-1", body: body)
            #expect(anew.0 == .created && !anew.1.contains(id))
        }
    }

    @Test func theChatBoxGetsRepliesFilledInForItsCustomer() async throws {
        try await withKefu { app, u in
            #expect(try await api(app, .POST, "/canned-replies", token: u.agent,
                                  body: ["shortcut": "hi", "title": "开场", "text": "{问候语}，{客户姓名}，{工号}号为您服务。"]).status == .created)
            try await startWebChat(app, name: "陈女士")
            let chat = try #require(try await Chat.query(on: app.db).first()?.id)
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.post("/chats/\(chat)/accept", [:]).0 == .seeOther)
            let (status, body) = try await agent.get("/chats/\(chat)/replies")
            #expect(status == .ok)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
            let greeting = CannedReply.greeting(FestivalCalendar().greeting(on: LocalDay(testStart, in: app.kefu.settings.timeZone)))
            #expect(items.first?["text"] as? String == "\(greeting)，陈女士，1001号为您服务。")
            let (_, desk) = try await agent.get("/chats/\(chat)")
            #expect(desk.contains("data-replies=\"/chats/\(chat)/replies\"") && desk.contains("/js/replies.js"))
            // Another agent's replies are not offered.
            let other = try await PageSession.signIn(app, "1002")
            let (_, otherBody) = try await other.get("/chats/\(chat)/replies")
            #expect(!otherBody.contains("开场"))
        }
    }

    @Test func thePageSavesAndMarksTheForbiddenPhrase() async throws {
        try await withKefu { app, _ in
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/canned-replies").0 == .ok)
            let refused = try await agent.post("/canned-replies", ["shortcut": "x", "title": "不耐烦", "text": "你有钱你找贵的充啊！"])
            #expect(refused.0 == .unprocessableEntity)
            #expect(refused.1.contains("<mark>") && refused.1.contains("<mark>你有钱你找贵的充啊"))
            #expect(try await agent.post("/canned-replies", ["shortcut": "ok", "title": "安抚", "text": "请您放心，我们马上处理。"]).0 == .seeOther)
            let page = try await agent.get("/canned-replies")
            #expect(page.1.contains("/ok") && page.1.contains("已保存"))
            #expect(try await PageSession.signIn(app, "4001").get("/canned-replies").0 == .forbidden)
        }
    }
}
