import Vapor
import Fluent
import KefuCore

/// A few published knowledge articles (R6.1) for the demo center: one of them required
/// reading, so the agents' workspace asks them to confirm it.
struct DemoKnowledge {
    let app: Application

    static let articles: [(category: String, title: String, wording: String, body: String, required: Bool)] = [
        ("故障处理", "光猫红灯（光信号中断）处理", "您好，光猫红灯表示光信号中断，请您先检查光纤是否弯折，我们将在 24 小时内安排上门。",
         "## 判断\n- **LOS 红灯**：光信号中断\n- PON 灯闪烁：正在注册\n\n## 处理\n1. 请客户检查光纤接头\n2. 重启光猫（断电 30 秒）\n3. 仍不恢复：建故障报修工单，约上门时间", true),
        ("资费", "宽带资费说明（2026 年版）", "您好，100M 宽带每月 50 元，300M 每月 80 元，包年九折。",
         "## 套餐\n- 100M：50 元/月\n- 300M：80 元/月\n- 包年：九折\n\n> 老客户续费以合同为准。", false),
        ("设备操作", "机顶盒无信号的排查步骤", "请您先确认电视信号源选择在 HDMI，然后重启机顶盒。",
         "1. 信号源选 HDMI\n2. 重启机顶盒\n3. 检查网线指示灯\n4. 仍无信号：转技术部", false),
    ]

    func load(companyID: UUID, editorWorkId: String) async throws {
        let now = app.kefu.clock.now()
        for a in Self.articles {
            try await app.db.transaction { db in
                let r = KnowledgeArticleRecord()
                r.id = UUID(); r.companyID = companyID; r.status = .published; r.category = a.category; r.title = a.title
                r.officialWording = a.wording; r.body = a.body; r.requiredReading = a.required; r.version = 1; r.draftChanged = false
                r.createdBy = editorWorkId; r.createdAt = now; r.updatedAt = now; r.publishedAt = now
                try await r.create(on: db)
                let v = KnowledgeVersion()
                v.id = UUID(); v.companyID = companyID; v.articleID = try r.requireID(); v.version = 1; v.category = a.category
                v.title = a.title; v.officialWording = a.wording; v.body = a.body; v.requiredReading = a.required
                v.note = "首次发布"; v.publishedBy = editorWorkId; v.publishedAt = now
                try await v.create(on: db)
            }
        }
    }
}
