import Vapor
import Fluent
import KefuCore

/// Demo calls and chats for quality inspection: two weeks of scored contacts for the five
/// front-line agents — mostly by the book, some with forbidden phrases, missing openings,
/// long holds or an agent who hangs up first — a few already reviewed, one appealed.
struct DemoContacts {
    let app: Application

    typealias Line = (speaker: String, text: String?, event: String?, by: String?, pause: Double)

    static func say(_ who: String, _ text: String, pause: Double = 0.5) -> Line { (who, text, nil, nil, pause) }
    static func event(_ e: String, by: String? = nil, pause: Double = 0) -> Line { ("system", nil, e, by, pause) }

    func load() async throws {
        let now = app.kefu.clock.now()
        let tz = app.kefu.settings.timeZone
        let company = app.kefu.settings.companyName
        var rng = SeededGenerator(seed: 20261001)
        let agents = ["1001", "1002", "1003", "1101", "1201"]
        let service = ContactService(db: app.db, now: now, timeZone: tz, company: company, actor: "demo")
        // The calls are the operating company's, taken at its 本部.
        let system = TenantData.system(app.db)
        let hq = try await system.company(code: M014_CreateCompaniesAndBranches.defaultCompanyCode)
        let main = try await system.branch(code: M014_CreateCompaniesAndBranches.defaultBranchCode, company: try hq.requireID())
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        var stored: [(Contact, String)] = []
        for dayBack in 0..<14 {
            for (ai, agent) in agents.enumerated() {
                for k in 0..<(1 + rng.next(2)) {
                    let start = cal.startOfDay(for: now).addingTimeInterval(TimeInterval(-dayBack * 86400 + (8 + (ai * 3 + k * 5) % 14) * 3600 + rng.next(3000)))
                    guard start < now else { continue }
                    let day = LocalDay(start, in: tz)
                    let variant = rng.next(10)
                    let lines = Self.script(variant: variant, company: company, greeting: Self.greeting(for: day))
                    var t = 0.0
                    var segments: [[String: Any]] = []
                    for l in lines {
                        t += l.pause
                        var s: [String: Any] = ["speaker": l.speaker, "start": (t * 10).rounded() / 10]
                        let length = Double(l.text?.count ?? 0) * 0.25
                        s["end"] = ((t + length) * 10).rounded() / 10
                        if let text = l.text { s["text"] = text }
                        if let e = l.event { s["event"] = e }
                        if let b = l.by { s["by"] = b }
                        segments.append(s)
                        t += length
                    }
                    let id = String(format: "c-%@-%@-%02d", day.description.replacingOccurrences(of: "-", with: ""), agent, k)
                    let object: [String: Any] = ["id": id, "startedAt": JSONCoding.formatISO(start, timeZone: tz),
                                                 "channel": variant == 9 ? "chat" : "phone", "agentId": agent, "segments": segments]
                    let line = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
                    let c = try await service.ingest(try Transcript.parse(jsonLine: Substring(line)), source: "import", branch: main)
                    stored.append((c, agent))
                }
            }
        }
        // The inspector has already reviewed the older ones of the first week.
        guard let inspector = try await system.query(User.self).filter(\.$workId == "4001").first() else { return }
        let old = stored.filter { $0.0.localDay < LocalDay(now, in: tz).adding(days: -7).description }
        for (c, _) in old.prefix(25) { try await service.finishReview(c.id!, actor: inspector) }
        if let (c, agent) = old.prefix(25).first(where: { $0.0.autoScore < 100 && $0.1 == "1001" }),
           let user = try await system.query(User.self).filter(\.$workId == agent).first() {
            try await service.appeal(c.id!, reason: "客户当时情绪激动，我已尽量安抚，请复核。", actor: user)
        }
    }

    static func greeting(for day: LocalDay) -> String {
        switch FestivalCalendar().greeting(on: day) {
        case .newYear: "新年好"
        case .festival: "节日好"
        case .daily: "您好"
        }
    }

    /// Ten kinds of call; 0–4 are by the book.
    static func script(variant: Int, company: String, greeting: String) -> [Line] {
        let opening = say("agent", "\(greeting)，\(company)，很高兴为您服务！", pause: 0)
        let closing = say("agent", "请不要挂机，稍后对我的服务进行评价，谢谢，再见！")
        let hangup = event("hangup", by: "customer", pause: 1.5)
        switch variant {
        case 5:
            return [opening, say("customer", "我家宽带又断了，你们怎么回事"), say("agent", "我不是已经告诉你了吗，要重启光猫。"),
                    say("customer", "重启了也没用"), say("agent", "知道了，知道了，不要再讲了，我给您报修。"),
                    say("customer", "好吧"), closing, hangup]
        case 6:
            return [say("agent", "喂，你说。", pause: 0), say("customer", "我想查一下这个月的话费"),
                    say("agent", "您的本月话费是 86 元。"), say("customer", "好的"), closing, hangup]
        case 7:
            return [opening, say("customer", "帮我查下订单 A20261001778 到哪了"), say("agent", "您的订单号是A20261001778，对吗？"),
                    say("customer", "对"), event("hold_start", pause: 0.5), event("hold_end", pause: 75),
                    say("agent", "您的订单已到杭州分拨中心。"), say("customer", "好"), closing, hangup]
        case 8:
            return [opening, say("customer", "你们的套餐比别家贵多了"), say("agent", "你是对的，这种产品很差劲。"),
                    say("customer", "那我考虑一下"), say("agent", "嗯嗯，再见。"), event("hangup", by: "agent", pause: 0.5)]
        case 9:
            return [say("customer", "在吗？我的会员积分怎么没到账", pause: 0), say("agent", "您好，请您提供一下会员编号。"),
                    say("customer", "会员编号 88 6655 1234"), say("agent", "您的会员编号是88 6655 1234，积分将在24小时内到账。"),
                    say("customer", "谢谢"), say("agent", "不客气，这是我应该做的。")]
        default:
            return [opening, say("customer", "我的订单号是 A2026\(1001 + variant)778，想问下什么时候发货"),
                    say("agent", "您的订单号是A2026\(1001 + variant)778，对吗？请您稍等，正在为您查询。"),
                    event("hold_start", pause: 0.5), event("hold_end", pause: 12),
                    say("agent", "感谢您的耐心等待，您的订单今天下午发出。"), say("customer", "好的谢谢"),
                    say("agent", "不客气。请问还有什么可以帮您？"), say("customer", "没有了"), closing, hangup]
        }
    }
}
