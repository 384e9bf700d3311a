import Foundation
import KefuCore

/// The emergency policy as a form in Chinese: labelled inputs per stage (thresholds, minutes,
/// the group of each 调入 step in ladder order, seats), the seat cap, sign-out and the night
/// window. Reads the saved policy into text inputs, reads the posted fields back into an
/// `EmergencyPolicy` for `EmergencyPolicy.validate()`, and keeps what was typed on refusal.
enum EmergencyPolicyForm {
    struct Choice: Encodable { var value: String; var label: String; var selected: Bool }
    struct Input: Encodable { var value: String; var error: String? = nil }

    struct StageRow: Encodable {
        var index: Int
        var kinds: [Choice]
        var above: String; var atMost: String; var sustain: String
        /// Day: the one group a 调入 step signs in (a select). Night: the groups pooled (checkboxes).
        var groups: [Choice]
        var minSeats: String; var maxSeats: String; var keep: String
        var error: String? = nil
    }

    struct Draft: Encodable {
        var day: [StageRow]; var night: [StageRow]
        var dayError: String?; var nightError: String?
        var physicalSeats: Input; var targetOccupancy: Input
        var releaseWaitingAtMost: Input; var releaseSustainMinutes: Input; var releaseOrders: [Choice]; var releaseError: String?
        var nightEnabled: Bool; var nightStart: Input; var nightEnd: Input; var nightZones: [Choice]; var nightZoneError: String?
        /// What 添加步骤 clones (names carry `__i__` for the row number).
        var blankDay: StageRow = EmergencyPolicyForm.row(EmergencyStage(kind: .pullIn, trigger: WaitingBand(above: 5)), index: 0, night: false)
        var blankNight: StageRow = EmergencyPolicyForm.row(EmergencyStage(kind: .nightAllHands, trigger: WaitingBand(above: 5)), index: 0, night: true)
    }

    static let dayKinds: [EmergencyStageKind] = [.pullIn, .extendShifts, .overtime]
    static let nightKinds: [EmergencyStageKind] = [.nightAllHands, .extendShifts, .overtime]
    /// Zones offered for the night window; a stored zone not in the list is offered as well.
    static let zones: [(id: String, label: String)] = [
        ("Asia/Shanghai", "北京时间"), ("Asia/Urumqi", "乌鲁木齐时间"), ("Asia/Hong_Kong", "香港时间"),
        ("Asia/Macau", "澳门时间"), ("Asia/Taipei", "台北时间"),
    ]
    static let maxStages = 20

    // MARK: saved policy → inputs

    static func minutes(_ seconds: Int) -> String { FormRows.number(Double(seconds) / 60) }

    static func kindChoices(_ kinds: [EmergencyStageKind], selected: String) -> [Choice] {
        var list = kinds
        if let k = EmergencyStageKind(rawValue: selected), !list.contains(k) { list.append(k) }
        return list.map { Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }

    static func dayGroupChoices(selected: String) -> [Choice] {
        [Choice(value: "", label: "—（不按组）", selected: selected.isEmpty)]
            + AgentGroup.allCases.filter { $0 != .inbound || $0.rawValue == selected }
                .map { Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }

    static func nightGroupChoices(selected: Set<String>) -> [Choice] {
        AgentGroup.allCases.filter { !$0.isPhoneGroup || selected.contains($0.rawValue) }
            .map { Choice(value: $0.rawValue, label: $0.label, selected: selected.contains($0.rawValue)) }
    }

    static func zoneChoices(selected: String) -> [Choice] {
        var list = zones
        if !list.contains(where: { $0.id == selected }) { list.append((selected, selected)) }
        return list.map { Choice(value: $0.id, label: $0.id == $0.label ? $0.id : "\($0.label)（\($0.id)）", selected: $0.id == selected) }
    }

    static func orderChoices(selected: String) -> [Choice] {
        EmergencyReleaseOrder.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }

    static func row(_ s: EmergencyStage, index: Int, night: Bool) -> StageRow {
        StageRow(index: index, kinds: kindChoices(night ? nightKinds : dayKinds, selected: s.kind.rawValue),
                 above: String(s.trigger.above), atMost: s.trigger.atMost.map(String.init) ?? "", sustain: minutes(s.sustainSeconds),
                 groups: night ? nightGroupChoices(selected: Set(s.groups.map(\.rawValue))) : dayGroupChoices(selected: s.groups.first?.rawValue ?? ""),
                 minSeats: s.minSeats.map(String.init) ?? "", maxSeats: s.maxSeats.map(String.init) ?? "",
                 keep: s.keepSupervisors.map(String.init) ?? "")
    }

    static func draft(_ p: EmergencyPolicy) -> Draft {
        Draft(day: p.stages.enumerated().map { row($1, index: $0, night: false) },
              night: p.nightMode.stages.enumerated().map { row($1, index: $0, night: true) },
              dayError: nil, nightError: nil,
              physicalSeats: Input(value: String(p.physicalSeats)),
              targetOccupancy: Input(value: FormRows.number((p.targetOccupancy * 1000).rounded() / 10)),
              releaseWaitingAtMost: Input(value: String(p.release.waitingAtMost)),
              releaseSustainMinutes: Input(value: minutes(p.release.sustainSeconds)),
              releaseOrders: orderChoices(selected: p.release.order.rawValue), releaseError: nil,
              nightEnabled: p.nightMode.enabled, nightStart: Input(value: WallClock.text(p.nightMode.startMinute)),
              nightEnd: Input(value: WallClock.text(p.nightMode.endMinute)), nightZones: zoneChoices(selected: p.nightMode.timeZone),
              nightZoneError: nil)
    }

    // MARK: posted fields → inputs as typed

    static func joined(_ problems: [FieldProblemDTO], _ field: String) -> String? {
        let m = problems.filter { $0.field == field }.map(\.message)
        return m.isEmpty ? nil : m.joined(separator: "；")
    }

    static func draft(_ f: [String: String], problems: [FieldProblemDTO]) -> Draft {
        func v(_ name: String) -> String { (f[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func rows(_ prefix: String, night: Bool) -> [StageRow] {
            FormRows.indices(f, prefix: prefix).map { i in
                func r(_ name: String) -> String { FormRows.value(f, prefix, i, name) }
                let kind = r("kind")
                let groups = night ? nightGroupChoices(selected: Set(AgentGroup.allCases.map(\.rawValue).filter { !r("g_\($0)").isEmpty }))
                                   : dayGroupChoices(selected: r("group"))
                return StageRow(index: i, kinds: kindChoices(night ? nightKinds : dayKinds, selected: kind),
                                above: r("above"), atMost: r("atMost"), sustain: r("sustain"), groups: groups,
                                minSeats: r("minSeats"), maxSeats: r("maxSeats"), keep: r("keep"),
                                error: joined(problems, "\(prefix)\(i)"))
            }
        }
        return Draft(day: rows("day", night: false), night: rows("night", night: true),
                     dayError: joined(problems, "day"), nightError: joined(problems, "night"),
                     physicalSeats: Input(value: v("physicalSeats"), error: joined(problems, "physicalSeats")),
                     targetOccupancy: Input(value: v("targetOccupancy"), error: joined(problems, "targetOccupancy")),
                     releaseWaitingAtMost: Input(value: v("releaseWaitingAtMost"), error: joined(problems, "releaseWaitingAtMost")),
                     releaseSustainMinutes: Input(value: v("releaseSustainMinutes"), error: joined(problems, "releaseSustainMinutes")),
                     releaseOrders: orderChoices(selected: v("releaseOrder")), releaseError: joined(problems, "releaseOrder"),
                     nightEnabled: !v("nightEnabled").isEmpty,
                     nightStart: Input(value: v("nightStart"), error: joined(problems, "nightStart")),
                     nightEnd: Input(value: v("nightEnd"), error: joined(problems, "nightEnd")),
                     nightZones: zoneChoices(selected: v("nightTimeZone")), nightZoneError: joined(problems, "nightTimeZone"))
    }

    // MARK: posted fields → EmergencyPolicy

    /// The policy the form describes, or every reason it can't be saved, each keyed to the
    /// input it belongs to (`day3`, `night0`, `physicalSeats` …).
    static func policy(_ f: [String: String]) -> Result<EmergencyPolicy, KefuError> {
        var problems: [FieldProblemDTO] = []
        func v(_ name: String) -> String { (f[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func add(_ field: String, _ message: String) { problems.append(.init(field: field, message: message)) }
        func whole(_ text: String, field: String, what: String) -> Int? {
            guard let n = FormRows.int(text) else { add(field, "\(what)须为整数"); return nil }
            return n
        }
        func seconds(_ text: String, field: String, what: String) -> Int? {
            guard let m = FormRows.double(text), m >= 0, m <= 10_000 else { add(field, "\(what)须为分钟数（可带小数）"); return nil }
            return Int((m * 60).rounded())
        }

        /// Each parsed stage remembers its form row, so KefuCore's `stages[2]` lands on the right row.
        func stages(_ prefix: String, night: Bool, title: String) -> (stages: [EmergencyStage], rows: [Int]) {
            var out: [EmergencyStage] = [], rows: [Int] = []
            let indices = FormRows.indices(f, prefix: prefix)
            if indices.count > maxStages { add(prefix, "\(title)最多 \(maxStages) 步") }
            for i in indices.prefix(maxStages) {
                func r(_ name: String) -> String { FormRows.value(f, prefix, i, name) }
                let field = "\(prefix)\(i)"
                let name = "\(title)第 \(rows.count + 1) 步"
                let before = problems.count
                guard let kind = EmergencyStageKind(rawValue: r("kind")) else { add(field, "\(name)：请选择措施"); continue }
                let above = whole(r("above"), field: field, what: "\(name)：触发条件“排队超过”")
                let atMost = r("atMost").isEmpty ? nil : whole(r("atMost"), field: field, what: "\(name)：“至多”")
                let sustain = seconds(r("sustain"), field: field, what: "\(name)：持续时间")
                var groups: [AgentGroup] = []
                if night {
                    groups = AgentGroup.allCases.filter { !r("g_\($0.rawValue)").isEmpty }
                    if kind != .nightAllHands && !groups.isEmpty { add(field, "\(name)：\(kind.label)不按组，请不要勾选人员组") }
                } else if !r("group").isEmpty {
                    if let g = AgentGroup(rawValue: r("group")) { groups = [g] } else { add(field, "\(name)：未知的人员组") }
                    if kind != .pullIn { add(field, "\(name)：\(kind.label)不按组，请把调入组选为“—”") }
                }
                var minSeats: Int?, maxSeats: Int?, keep: Int?
                if !r("minSeats").isEmpty { minSeats = whole(r("minSeats"), field: field, what: "\(name)：调入人数下限") }
                if !r("maxSeats").isEmpty { maxSeats = whole(r("maxSeats"), field: field, what: "\(name)：调入人数上限") }
                if kind != .pullIn && (minSeats != nil || maxSeats != nil) { add(field, "\(name)：只有调入步骤填写调入人数") }
                if !r("keep").isEmpty { keep = whole(r("keep"), field: field, what: "\(name)：保留的现场督导") }
                if kind != .nightAllHands && keep != nil { add(field, "\(name)：只有夜间全员签入填写保留的现场督导") }
                guard problems.count == before, let above, let sustain else { continue }
                out.append(EmergencyStage(kind: kind, trigger: WaitingBand(above: above, atMost: atMost), sustainSeconds: sustain,
                                          groups: groups, minSeats: minSeats, maxSeats: maxSeats, keepSupervisors: keep))
                rows.append(i)
            }
            return (out, rows)
        }

        let day = stages("day", night: false, title: "白天")
        let night = stages("night", night: true, title: "夜间")
        let seats = whole(v("physicalSeats"), field: "physicalSeats", what: "物理台席数")
        var occupancy: Double?
        if let d = FormRows.double(v("targetOccupancy")) { occupancy = d / 100 } else { add("targetOccupancy", "目标占用率须为百分数（如 85）") }
        let releaseAt = whole(v("releaseWaitingAtMost"), field: "releaseWaitingAtMost", what: "签出条件“排队不超过”")
        let releaseSeconds = seconds(v("releaseSustainMinutes"), field: "releaseSustainMinutes", what: "签出持续时间")
        let order = EmergencyReleaseOrder(rawValue: v("releaseOrder"))
        if order == nil { add("releaseOrder", "请选择签出顺序") }
        let enabled = !v("nightEnabled").isEmpty
        let start = WallClock.minute(v("nightStart")), end = WallClock.minute(v("nightEnd"))
        if start == nil { add("nightStart", "夜间开始时间须为 00:00–23:59") }
        if end == nil { add("nightEnd", "夜间结束时间须为 00:00–23:59") }
        let zone = v("nightTimeZone")
        guard problems.isEmpty, let seats, let occupancy, let releaseAt, let releaseSeconds, let order, let start, let end else {
            return .failure(.invalid(problems))
        }
        let policy = EmergencyPolicy(
            stages: day.stages, physicalSeats: seats,
            release: EmergencyReleaseRule(waitingAtMost: releaseAt, sustainSeconds: releaseSeconds, order: order),
            nightMode: EmergencyNightMode(enabled: enabled, startMinute: start, endMinute: end, timeZone: zone, stages: night.stages),
            targetOccupancy: occupancy)
        let found = policy.validate().map { FieldProblemDTO(field: formField(of: $0.field, day: day.rows, night: night.rows), message: $0.message) }
        return found.isEmpty ? .success(policy) : .failure(.invalid(found))
    }

    /// KefuCore's field path (`nightMode.stages[1].groups`) → the form's input or row (`night<n>`).
    static func formField(of path: String, day: [Int], night: [Int]) -> String {
        func row(_ prefix: String, _ rows: [Int], _ rest: Substring) -> String? {
            guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                  let n = Int(rest[rest.index(after: rest.startIndex)..<close]), rows.indices.contains(n) else { return nil }
            return "\(prefix)\(rows[n])"
        }
        if path.hasPrefix("nightMode.stages") {
            return row("night", night, path.dropFirst("nightMode.stages".count)) ?? "night"
        }
        if path.hasPrefix("stages") { return row("day", day, path.dropFirst("stages".count)) ?? "day" }
        switch path {
        case "release.waitingAtMost": return "releaseWaitingAtMost"
        case "release.sustainSeconds": return "releaseSustainMinutes"
        case "nightMode.startMinute": return "nightStart"
        case "nightMode.endMinute": return "nightEnd"
        case "nightMode.timeZone": return "nightTimeZone"
        default: return path
        }
    }
}
