import Foundation

/// Where a key press leads (R3.3): a queue of agents, another menu, the voicemail box, or a
/// spoken piece of self-service information (balances, opening hours …).
public enum IVRTarget: Codable, Hashable, Sendable {
    case queue(String)
    case menu(String)
    case voicemail
    case info(String)
    /// Back to the menu that led here (or the root).
    case back

    /// The editor's one-line spelling: `queue:宽带`, `menu:billing`, `voicemail`, `info:营业时间…`, `back`.
    public var spelling: String {
        switch self {
        case .queue(let q): "queue:\(q)"
        case .menu(let m): "menu:\(m)"
        case .voicemail: "voicemail"
        case .info(let t): "info:\(t)"
        case .back: "back"
        }
    }

    public init?(spelling raw: String) {
        let s = raw.trimmingCharacters(in: .whitespaces)
        func rest(_ p: String) -> String? {
            guard s.lowercased().hasPrefix(p) else { return nil }
            let r = s.dropFirst(p.count).trimmingCharacters(in: .whitespaces)
            return r.isEmpty ? nil : r
        }
        if s.lowercased() == "voicemail" { self = .voicemail }
        else if s.lowercased() == "back" { self = .back }
        else if let q = rest("queue:") { self = .queue(q) }
        else if let m = rest("menu:") { self = .menu(m) }
        else if let t = rest("info:") { self = .info(t) }
        else { return nil }
    }

    public var label: String { label(in: nil) }

    /// What the editor and the simulator show: queues by their Chinese name (`queue:broadband`
    /// → 转人工：宽带业务队列, named by the menu's own key label when no group owns the queue).
    public func label(in menu: IVRMenu?) -> String {
        switch self {
        case .queue(let q):
            let name = QueueNames.label(q, ivr: menu)
            return name == q && AgentGroup(rawValue: q) == nil ? "转人工：队列「\(q)」" : "转人工：\(name)队列"
        case .menu(let m): return "进入菜单「\(m)」"
        case .voicemail: return "留言信箱"
        case .info(let t): return "播报：\(t)"
        case .back: return "返回上级菜单"
        }
    }

    enum CodingKeys: String, CodingKey { case type, value }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        let value = try c.decodeIfPresent(String.self, forKey: .value) ?? ""
        guard let t = IVRTarget(spelling: type == "voicemail" || type == "back" ? type : "\(type):\(value)") else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown IVR target \(type)")
        }
        self = t
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .queue(let q): try c.encode("queue", forKey: .type); try c.encode(q, forKey: .value)
        case .menu(let m): try c.encode("menu", forKey: .type); try c.encode(m, forKey: .value)
        case .voicemail: try c.encode("voicemail", forKey: .type)
        case .info(let t): try c.encode("info", forKey: .type); try c.encode(t, forKey: .value)
        case .back: try c.encode("back", forKey: .type)
        }
    }
}

/// One key of a menu.
public struct IVROption: Codable, Hashable, Sendable {
    public var key: String
    public var label: String
    public var target: IVRTarget
    public init(key: String, label: String, target: IVRTarget) { self.key = key; self.label = label; self.target = target }
}

/// One menu: what is said, and the keys.
public struct IVRMenuNode: Codable, Hashable, Sendable {
    public var id: String
    public var prompt: String
    public var options: [IVROption]
    public init(id: String, prompt: String, options: [IVROption]) { self.id = id; self.prompt = prompt; self.options = options }
}

/// The whole voice menu as the switch plays it (R3.3): a short welcome naming the company,
/// the hotline and the answering agent's work ID; menus of keys; and, while a caller waits,
/// an offer every `waitOfferSeconds` to keep waiting or return to the menu. Kefu is not a
/// PBX: the tree is edited here and exported as JSON for the switch.
public struct IVRMenu: Codable, Hashable, Sendable {
    public var version: Int
    public var hotline: String
    /// "欢迎致电{company}客服热线{hotline}，{workId}号为您服务" — {workId} is filled when an agent answers.
    public var welcome: String
    public var waitOfferSeconds: Int
    public var waitOfferPrompt: String
    /// Played when no agent is free; the message becomes a work order (R3.3, 004 第十八条).
    public var voicemailPrompt: String
    public var root: String
    public var menus: [IVRMenuNode]

    public init(version: Int, hotline: String, welcome: String, waitOfferSeconds: Int, waitOfferPrompt: String,
                voicemailPrompt: String, root: String, menus: [IVRMenuNode]) {
        self.version = version; self.hotline = hotline; self.welcome = welcome; self.waitOfferSeconds = waitOfferSeconds
        self.waitOfferPrompt = waitOfferPrompt; self.voicemailPrompt = voicemailPrompt; self.root = root; self.menus = menus
    }

    public static let allowedKeys: Set<String> = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]

    /// A short, clear default menu for a telecom hotline.
    public static let standard = IVRMenu(
        version: 1, hotline: "10086", welcome: "欢迎致电{company}客服热线{hotline}，{workId}号为您服务。",
        waitOfferSeconds: 40, waitOfferPrompt: "目前坐席繁忙，继续等待请按1，返回主菜单请按*，留言请按0。",
        voicemailPrompt: "坐席繁忙，请在提示音后留下您的姓名、电话和问题，我们将尽快回复您。", root: "main",
        menus: [
            IVRMenuNode(id: "main", prompt: "话费查询请按1，宽带业务请按2，投诉建议请按3，人工服务请按0。", options: [
                IVROption(key: "1", label: "话费查询", target: .menu("billing")),
                IVROption(key: "2", label: "宽带业务", target: .queue("broadband")),
                IVROption(key: "3", label: "投诉建议", target: .queue("complaints")),
                IVROption(key: "0", label: "人工服务", target: .queue("inbound")),
            ]),
            IVRMenuNode(id: "billing", prompt: "查询本月话费请按1，缴费方式请按2，返回上级菜单请按*。", options: [
                IVROption(key: "1", label: "本月话费", target: .info("本月话费请登录网上营业厅或发送短信 CXHF 到 10086 查询。")),
                IVROption(key: "2", label: "缴费方式", target: .info("您可以通过营业厅、网上营业厅或银行代扣缴费。")),
                IVROption(key: "*", label: "返回", target: .back),
                IVROption(key: "0", label: "人工服务", target: .queue("inbound")),
            ]),
        ])

    /// Problems an editor must fix before the tree can be saved, in Chinese.
    public func problems() -> [String] {
        var out: [String] = []
        let ids = menus.map(\.id)
        if Set(ids).count != ids.count { out.append("菜单编号重复。") }
        if !ids.contains(root) { out.append("找不到主菜单「\(root)」。") }
        if hotline.trimmingCharacters(in: .whitespaces).isEmpty { out.append("请填写客服热线号码。") }
        if welcome.trimmingCharacters(in: .whitespaces).isEmpty { out.append("请填写欢迎语。") }
        if !(10...300).contains(waitOfferSeconds) { out.append("等待提示间隔须在 10 到 300 秒之间（规范为 40 秒）。") }
        for m in menus {
            if m.id.trimmingCharacters(in: .whitespaces).isEmpty || m.id.count > 40 { out.append("菜单编号须为 1 到 40 个字符。") }
            if m.prompt.trimmingCharacters(in: .whitespaces).isEmpty { out.append("菜单「\(m.id)」缺少提示语。") }
            if m.options.isEmpty { out.append("菜单「\(m.id)」没有按键。") }
            if m.options.count > 12 { out.append("菜单「\(m.id)」按键过多：菜单须简短清楚。") }
            let keys = m.options.map(\.key)
            if Set(keys).count != keys.count { out.append("菜单「\(m.id)」有重复的按键。") }
            for o in m.options {
                if !Self.allowedKeys.contains(o.key) { out.append("菜单「\(m.id)」的按键「\(o.key)」无效：只能是 0–9、* 或 #。") }
                if case .menu(let target) = o.target, !ids.contains(target) {
                    out.append("菜单「\(m.id)」按键 \(o.key) 指向不存在的菜单「\(target)」。")
                }
                if case .back = o.target, m.id == root { out.append("主菜单不能有“返回上级”。") }
            }
        }
        // Every menu must be reachable from the root, or callers can never hear it.
        var seen: Set<String> = [], todo = [root]
        while let id = todo.popLast() {
            guard seen.insert(id).inserted, let m = menus.first(where: { $0.id == id }) else { continue }
            for o in m.options { if case .menu(let t) = o.target { todo.append(t) } }
        }
        for id in ids where !seen.contains(id) { out.append("菜单「\(id)」从主菜单无法到达。") }
        return out
    }

    public func menu(_ id: String) -> IVRMenuNode? { menus.first { $0.id == id } }

    /// The welcome as the caller hears it.
    public func welcomeText(company: String, workId: String) -> String {
        welcome.replacingOccurrences(of: "{company}", with: company)
            .replacingOccurrences(of: "{hotline}", with: hotline)
            .replacingOccurrences(of: "{workId}", with: workId)
    }
}

/// Walks the tree as a caller pressing keys would — the browser simulator and tests use it.
public struct IVRWalk: Sendable {
    public struct Step: Sendable, Hashable {
        public var menu: String
        public var prompt: String
        public var key: String?
        public var outcome: String?
    }
    public enum End: Sendable, Hashable { case queue(String), voicemail, info(String), stillInMenu(String), invalidKey(String, menu: String) }

    public let steps: [Step]
    public let end: End

    public init(menu: IVRMenu, keys: [String]) {
        var steps: [Step] = []
        var stack: [String] = [menu.root]
        var end: End = .stillInMenu(menu.root)
        var remaining = keys[...]
        while let current = stack.last, let node = menu.menu(current) {
            guard let key = remaining.popFirst() else {
                steps.append(Step(menu: node.id, prompt: node.prompt, key: nil, outcome: nil))
                end = .stillInMenu(node.id)
                break
            }
            guard let option = node.options.first(where: { $0.key == key }) else {
                steps.append(Step(menu: node.id, prompt: node.prompt, key: key, outcome: "无效按键"))
                end = .invalidKey(key, menu: node.id)
                break
            }
            steps.append(Step(menu: node.id, prompt: node.prompt, key: key, outcome: option.target.label(in: menu)))
            switch option.target {
            case .menu(let next): stack.append(next); continue
            case .back: if stack.count > 1 { stack.removeLast() }; continue
            case .queue(let q): end = .queue(q)
            case .voicemail: end = .voicemail
            case .info(let t): end = .info(t)
            }
            break
        }
        self.steps = steps
        self.end = end
    }
}

/// While a caller waits (R3.3): every `waitOfferSeconds` they are offered to keep waiting or
/// go back to the menu. Pure arithmetic on the wait so far, so a simulated clock drives it too.
public enum IVRWaitOffers {
    /// How many offers have been played after waiting `seconds`.
    public static func offersPlayed(afterWaiting seconds: Double, every interval: Int) -> Int {
        guard interval > 0, seconds > 0 else { return 0 }
        return Int(seconds / Double(interval))
    }

    /// Seconds until the next offer.
    public static func secondsToNextOffer(afterWaiting seconds: Double, every interval: Int) -> Double {
        guard interval > 0 else { return .infinity }
        let i = Double(interval)
        return i - seconds.truncatingRemainder(dividingBy: i)
    }
}
