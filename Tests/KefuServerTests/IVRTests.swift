import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

@Suite("Voice menu (IVR)")
struct IVRTests {
    @Test func adminEditsWalksAndExportsTheMenu() async throws {
        try await withKefu { app, u in
            let admin = try await PageSession.signIn(app, "9001")
            let page = try await admin.get("/admin/ivr?keys=1,*,0")
            #expect(page.0 == .ok)
            #expect(page.1.contains("转人工：呼入队列："))

            var form: [String: String] = [
                "hotline": "95000", "welcome": "欢迎致电{company}客服热线{hotline}，{workId}号为您服务", "waitOfferSeconds": "40",
                "waitOfferPrompt": "继续等待请按1", "voicemailPrompt": "请留言", "root": "main",
                "menu0_id": "main", "menu0_prompt": "宽带请按1，留言请按0",
                "menu0_opt0_key": "1", "menu0_opt0_label": "宽带", "menu0_opt0_target": "queue:broadband",
                "menu0_opt1_key": "0", "menu0_opt1_label": "留言", "menu0_opt1_target": "voicemail",
                "menu1_id": "", "menu1_prompt": "", "menu1_opt0_key": "", "menu1_opt0_label": "", "menu1_opt0_target": "",
            ]
            #expect(try await admin.post("/admin/ivr", form).0 == .seeOther)
            let exported = try await api(app, .GET, "/ivr", token: u.admin)
            #expect(exported.string("hotline") == "95000")
            #expect(exported["version"] as? Int == 2)
            #expect(try await api(app, .GET, "/ivr", token: u.agent).status == .forbidden)

            // A key pointing nowhere is refused, the form keeps what was typed, the version stays.
            form["menu0_opt0_target"] = "menu"
            form["menu0_opt0_detail"] = "nowhere"
            form["menu0_opt1_key"] = "7"
            form["menu0_opt1_label"] = "坏行"
            form["menu0_opt1_target"] = ""
            let refused = try await admin.post("/admin/ivr", form)
            #expect(refused.0 == .unprocessableEntity)
            #expect(refused.1.contains("第 2 个按键：请选择目标"))
            #expect(refused.1.contains(#"value="坏行""#))
            form["menu0_opt1_key"] = ""; form["menu0_opt1_label"] = ""
            let dangling = try await admin.post("/admin/ivr", form)
            #expect(dangling.1.contains("不存在的菜单「nowhere」"))
            #expect(try await api(app, .GET, "/ivr", token: u.admin)["version"] as? Int == 2)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "ivr.saved").count() == 1)
        }
    }
}
