import Foundation
import KefuCore

/// The voice menu as a form: per menu an id and a prompt, per key a row with the key, its
/// spoken label and a target chosen from a list in Chinese (转人工：宽带业务队列, 进入菜单「billing」,
/// 留言信箱 …). The option values are the stored spelling (`queue:broadband`), so the JSON the
/// switch loads is unchanged; 播报 text and queues or menus not in the list go in the detail box.
enum IVRMenuForm {
    struct Choice: Encodable {
        var value: String; var label: String; var selected: Bool
        /// The detail box must be filled (播报内容, another queue or menu).
        var needsDetail: Bool = false; var detailHint: String = ""
    }
    struct OptionRow: Encodable { var index: Int; var key: String; var label: String; var targets: [Choice]; var detail: String; var error: String? }
    struct MenuRow: Encodable {
        var index: Int; var id: String; var prompt: String; var options: [OptionRow]
        /// The choices of a key added in the browser (nothing selected).
        var blankTargets: [Choice]
        var error: String?
    }

    static let maxMenus = 30

    /// Generic choices whose value is only a type; the detail box gives the rest.
    static let otherQueue = "queue", otherMenu = "menu", info = "info"

    /// The queues offered: the phone groups' queues and every queue the menu already uses.
    static func queues(_ menu: IVRMenu) -> [String] {
        var list = [AgentGroup.inbound.rawValue, AgentGroup.vip.rawValue]
        for node in menu.menus { for o in node.options { if case .queue(let q) = o.target, !list.contains(q) { list.append(q) } } }
        return list
    }

    static func targets(_ menu: IVRMenu, selected: String) -> [Choice] {
        var list: [Choice] = [Choice(value: "", label: "—（请选择）", selected: selected.isEmpty)]
        list += queues(menu).map { q in
            let value = IVRTarget.queue(q).spelling
            return Choice(value: value, label: IVRTarget.queue(q).label(in: menu), selected: value == selected)
        }
        list.append(Choice(value: otherQueue, label: "转人工：其他队列（填写队列代码）", selected: selected == otherQueue,
                           needsDetail: true, detailHint: "队列代码，如 broadband"))
        list += menu.menus.map { m in
            let value = IVRTarget.menu(m.id).spelling
            return Choice(value: value, label: IVRTarget.menu(m.id).label(in: menu), selected: value == selected)
        }
        list.append(Choice(value: otherMenu, label: "进入其他菜单（填写菜单编号）", selected: selected == otherMenu,
                           needsDetail: true, detailHint: "菜单编号"))
        list.append(Choice(value: IVRTarget.voicemail.spelling, label: IVRTarget.voicemail.label, selected: selected == IVRTarget.voicemail.spelling))
        list.append(Choice(value: info, label: "播报信息（填写播报内容）", selected: selected == info, needsDetail: true, detailHint: "播报内容"))
        list.append(Choice(value: IVRTarget.back.spelling, label: IVRTarget.back.label, selected: selected == IVRTarget.back.spelling))
        if !selected.isEmpty && !list.contains(where: { $0.value == selected }) {
            list.append(Choice(value: selected, label: IVRTarget(spelling: selected)?.label(in: menu) ?? selected, selected: true))
        }
        return list
    }

    /// The select value and detail text a stored target shows as.
    static func choice(of target: IVRTarget) -> (value: String, detail: String) {
        switch target {
        case .info(let t): (info, t)
        default: (target.spelling, "")
        }
    }

    static func rows(_ menu: IVRMenu) -> [MenuRow] {
        var rows = menu.menus.enumerated().map { i, m in
            MenuRow(index: i, id: m.id, prompt: m.prompt, options: m.options.enumerated().map { n, o in
                let c = choice(of: o.target)
                return OptionRow(index: n, key: o.key, label: o.label, targets: targets(menu, selected: c.value), detail: c.detail, error: nil)
            }, blankTargets: targets(menu, selected: ""), error: nil)
        }
        rows.append(blankMenu(index: rows.count, menu: menu))
        return rows
    }

    /// An empty menu at the end for adding one, with a few empty keys.
    static func blankMenu(index: Int, menu: IVRMenu) -> MenuRow {
        MenuRow(index: index, id: "", prompt: "", options: (0..<3).map {
            OptionRow(index: $0, key: "", label: "", targets: targets(menu, selected: ""), detail: "", error: nil)
        }, blankTargets: targets(menu, selected: ""), error: nil)
    }

    static func joined(_ problems: [FieldProblemDTO], _ field: String) -> String? {
        let m = problems.filter { $0.field == field }.map(\.message)
        return m.isEmpty ? nil : m.joined(separator: "；")
    }

    /// The menus as typed, with the reasons of each key row; `saved` supplies the choice lists.
    static func rows(_ f: [String: String], saved: IVRMenu, problems: [FieldProblemDTO]) -> [MenuRow] {
        var rows = FormRows.indices(f, prefix: "menu").map { i in
            let prefix = "menu\(i)_opt"
            return MenuRow(index: i, id: FormRows.value(f, "menu", i, "id"), prompt: FormRows.value(f, "menu", i, "prompt"),
                           options: FormRows.indices(f, prefix: prefix).map { n in
                               OptionRow(index: n, key: FormRows.value(f, prefix, n, "key"), label: FormRows.value(f, prefix, n, "label"),
                                         targets: targets(saved, selected: FormRows.value(f, prefix, n, "target")),
                                         detail: FormRows.value(f, prefix, n, "detail"), error: joined(problems, "\(prefix)\(n)"))
                           }, blankTargets: targets(saved, selected: ""), error: joined(problems, "menu\(i)"))
        }
        if rows.last.map({ !$0.id.isEmpty || !$0.prompt.isEmpty }) ?? true {
            rows.append(blankMenu(index: (rows.last?.index ?? -1) + 1, menu: saved))
        }
        return rows
    }

    /// The menus the form describes, or the reasons (field `menu<i>_opt<n>` per key row).
    static func menus(_ f: [String: String]) -> Result<[IVRMenuNode], KefuError> {
        var problems: [FieldProblemDTO] = []
        var menus: [IVRMenuNode] = []
        let indices = FormRows.indices(f, prefix: "menu")
        if indices.count > maxMenus { problems.append(.init(field: "menus", message: "菜单最多 \(maxMenus) 个")) }
        for i in indices.prefix(maxMenus) {
            let id = FormRows.value(f, "menu", i, "id")
            let prompt = FormRows.value(f, "menu", i, "prompt")
            let prefix = "menu\(i)_opt"
            var options: [IVROption] = []
            var typedAny = false
            for n in FormRows.indices(f, prefix: prefix) {
                func v(_ name: String) -> String { FormRows.value(f, prefix, n, name) }
                let (key, label, target, detail) = (v("key"), v("label"), v("target"), v("detail"))
                if key.isEmpty && label.isEmpty && target.isEmpty && detail.isEmpty { continue }
                typedAny = true
                let name = "菜单「\(id)」第 \(options.count + 1) 个按键"
                func fail(_ m: String) { problems.append(.init(field: "\(prefix)\(n)", message: "\(name)：\(m)")) }
                if key.isEmpty { fail("请选择按键"); continue }
                if label.isEmpty { fail("请填写说明"); continue }
                if label.count > 40 || detail.count > 500 { fail("说明最多 40 字，播报内容最多 500 字"); continue }
                let parsed: IVRTarget?
                switch target {
                case "": fail("请选择目标"); continue
                case otherQueue: parsed = detail.isEmpty ? nil : .queue(detail)
                case otherMenu: parsed = detail.isEmpty ? nil : .menu(detail)
                case info: parsed = detail.isEmpty ? nil : .info(detail)
                default: parsed = IVRTarget(spelling: target)
                }
                guard let parsed else {
                    fail(target == info ? "请填写播报内容" : target == otherQueue ? "请填写队列代码" : target == otherMenu ? "请填写菜单编号" : "目标无效")
                    continue
                }
                options.append(IVROption(key: key, label: label, target: parsed))
            }
            if id.isEmpty && prompt.isEmpty && !typedAny { continue }   // the empty menu kept for adding one
            menus.append(IVRMenuNode(id: id, prompt: prompt, options: options))
        }
        return problems.isEmpty ? .success(menus) : .failure(.invalid(problems))
    }
}
