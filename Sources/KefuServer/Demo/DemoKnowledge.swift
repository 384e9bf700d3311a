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
                r.officialWording = a.wording; r.body = a.body; r.requiredReading = a.required; r.audience = ""; r.version = 1; r.draftChanged = false
                r.createdBy = editorWorkId; r.createdAt = now; r.updatedAt = now; r.publishedAt = now
                try await r.create(on: db)
                let v = KnowledgeVersion()
                v.id = UUID(); v.companyID = companyID; v.articleID = try r.requireID(); v.version = 1; v.category = a.category
                v.title = a.title; v.officialWording = a.wording; v.body = a.body; v.requiredReading = a.required
                v.note = "首次发布"; v.publishedBy = editorWorkId; v.publishedAt = now
                try await v.create(on: db)
            }
        }
        try await loadCase(companyID: companyID, now: now)
        // A liaison's note waiting for the editor (R6.1).
        let s = KnowledgeSubmissionRecord()
        s.id = UUID(); s.companyID = companyID; s.kind = .new; s.status = .pending; s.title = "光猫更换需带旧设备"
        s.text = "自下月起上门更换光猫时，需回收客户的旧光猫并在工单中登记序列号。"; s.submittedBy = "5001"; s.submittedAt = now
        try await s.create(on: app.db)
    }

    /// One case (R6.2), written up from the first demo order about a set-top box or broadband, if any.
    func loadCase(companyID: UUID, now: Date) async throws {
        let order = try await TenantData.system(app.db).query(WorkOrder.self).filter(\.$companyID == companyID).filter(\.$subject ~~ "宽带").sort(\.$createdAt).first()
        let tech = try await TenantData.system(app.db).query(Department.self).filter(\.$companyID == companyID).filter(\.$name == "技术部").first()
        try await app.db.transaction { db in
            let c = KnowledgeCaseRecord()
            c.id = UUID(); c.companyID = companyID; c.title = "宽带反复掉线三次报修未解决"
            c.problem = "客户一周内三次来电反映宽带掉线，每次坐席都只指导重启光猫，第三次客户投诉。"
            c.cause = "入户光纤弯折导致光功率偏低，重启只能暂时恢复；坐席未按故障处理文章建报修单。"
            c.departmentID = tech?.id
            c.lesson = "同一问题第二次来电即建故障报修工单并约上门；查看客户最近往来，避免让客户重复描述。"
            c.createdBy = "4101"; c.createdAt = now; c.updatedAt = now
            try await c.create(on: db)
            if let order { try await KnowledgeCases.link(c, order, by: "4101", now: now, on: db) }
        }
    }
}
