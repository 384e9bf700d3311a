import Foundation
import KefuCore

/// The shift-template and rostering-rule forms of /workforce/setup: what each input shows
/// (from the saved values, or exactly as typed when a save was refused) and how the fields
/// become the KefuCore values that are validated and stored as JSON in `app_settings`.
enum WorkforceSetupForms {
    static let templatePrefix = "t"
    static let maxTemplates = 50

    /// One row of the shift table, as text so a refused save shows what was typed.
    struct TemplateRow: Encodable {
        var index: Int; var code: String; var name: String; var start: String; var end: String; var breaks: String
        /// 白班/夜班 of the saved template; empty while the row does not parse.
        var kind: String = ""
        var error: String? = nil
    }

    static func rows(_ templates: [ShiftTemplate]) -> [TemplateRow] {
        templates.enumerated().map { i, t in
            TemplateRow(index: i, code: t.code, name: t.name, start: WallClock.text(t.startMinute),
                        end: WallClock.text(t.startMinute + t.lengthMinutes),
                        breaks: t.breaks.map { b in
                            WallClock.text(t.startMinute + b.offsetMinutes) + "-" + WallClock.text(t.startMinute + b.offsetMinutes + b.minutes)
                        }.joined(separator: ", "),
                        kind: t.kindLabel)
        }
    }

    /// The rows as posted, each with the reasons found for it.
    static func rows(_ form: [String: String], problems: [FieldProblemDTO]) -> [TemplateRow] {
        FormRows.indices(form, prefix: templatePrefix).map { i in
            func v(_ name: String) -> String { FormRows.value(form, templatePrefix, i, name) }
            let reasons = problems.filter { $0.field == "\(templatePrefix)\(i)" }.map(\.message)
            return TemplateRow(index: i, code: v("code"), name: v("name"), start: v("start"), end: v("end"), breaks: v("breaks"),
                               error: reasons.isEmpty ? nil : reasons.joined(separator: "；"))
        }
    }

    /// The templates the form describes, or every reason it cannot be saved (field `t<n>` per row).
    static func templates(_ form: [String: String]) -> Result<[ShiftTemplate], KefuError> {
        var problems: [FieldProblemDTO] = []
        var templates: [ShiftTemplate] = []
        var codes: [String: Int] = [:]
        let indices = FormRows.indices(form, prefix: templatePrefix)
        for i in indices {
            let field = "\(templatePrefix)\(i)"
            func v(_ name: String) -> String { FormRows.value(form, templatePrefix, i, name) }
            let texts = [v("code"), v("name"), v("start"), v("end"), v("breaks")]
            if texts.allSatisfy(\.isEmpty) { continue }   // a blank row left over from 添加班次
            let label = "第 \(templates.count + problems.count + 1) 行"
            func fail(_ reason: String) { problems.append(.init(field: field, message: "\(label)：\(reason)")) }
            if texts[0].count > 10 { fail("班次代码最多 10 个字符"); continue }
            if texts[1].count > 20 { fail("班次名称最多 20 个字"); continue }
            guard let start = WallClock.minute(v("start")) else { fail("开始时间须为 00:00–23:59"); continue }
            guard let end = WallClock.minute(v("end")) else { fail("结束时间须为 00:00–23:59"); continue }
            let length = WallClock.span(from: start, to: end)
            guard length > 0 else { fail("开始和结束时间不能相同"); continue }
            guard let breaks = Self.breaks(v("breaks"), shiftStart: start) else {
                fail("休息时段须写成 11:00-11:30，多段用逗号分开"); continue
            }
            let template = ShiftTemplate(code: texts[0], name: texts[1], startMinute: start, lengthMinutes: length, breaks: breaks)
            do { try template.validate() } catch let e as WorkforceError {
                if case let .invalidInput(_, reason) = e { fail(reason) } else { fail(e.description) }
                continue
            } catch { fail("\(error)"); continue }
            if let earlier = codes[template.code] { fail("班次代码 \(template.code) 与第 \(earlier) 行重复"); continue }
            codes[template.code] = templates.count + problems.count + 1
            templates.append(template)
        }
        if indices.count > maxTemplates { problems.append(.init(field: "templates", message: "班次最多 \(maxTemplates) 个")) }
        if problems.isEmpty && templates.isEmpty { problems.append(.init(field: "templates", message: "至少需要一个班次")) }
        return problems.isEmpty ? .success(templates) : .failure(.invalid(problems))
    }

    /// "11:00-11:30, 17:00-17:15" → breaks relative to the shift start; "" → none.
    static func breaks(_ text: String, shiftStart: Int) -> [ShiftBreak]? {
        let parts = text.split(whereSeparator: { ",，、;；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard parts.count <= 6 else { return nil }
        var out: [ShiftBreak] = []
        for part in parts {
            let ends = part.split(whereSeparator: { "-–—~～至".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
            guard ends.count == 2, let from = WallClock.minute(ends[0]), let to = WallClock.minute(ends[1]) else { return nil }
            out.append(ShiftBreak(offsetMinutes: WallClock.span(from: shiftStart, to: from), minutes: WallClock.span(from: from, to: to)))
        }
        return out
    }

    /// One labelled input of the rules form.
    struct RuleField: Encodable {
        var name: String; var label: String; var unit: String; var hint: String; var value: String; var step: String
        var error: String? = nil
    }

    private struct RuleSpec { var name: String; var label: String; var unit: String; var hint: String; var decimal: Bool }
    private static let ruleSpecs: [RuleSpec] = [
        RuleSpec(name: "maxAverageWeeklyHours", label: "每周最多工时（月内平均）", unit: "小时", hint: "不超过 40", decimal: true),
        RuleSpec(name: "minRestHours", label: "两班最少间隔", unit: "小时", hint: "0–24", decimal: true),
        RuleSpec(name: "maxConsecutiveDays", label: "最多连续上班", unit: "天", hint: "1–13", decimal: false),
        RuleSpec(name: "maxNightsInARow", label: "最多连续夜班", unit: "个", hint: "1–7", decimal: false),
        RuleSpec(name: "reservePerDay", label: "每日应急备班", unit: "人", hint: "在需求之外，0–100", decimal: false),
        RuleSpec(name: "holidayStandby", label: "节假日应急台席", unit: "个", hint: "5–7", decimal: false),
        RuleSpec(name: "monthStartDays", label: "月初高峰天数", unit: "天", hint: "0–10，月末同样天数优先安排休息", decimal: false),
    ]

    private static func values(_ r: RosterRules) -> [String: String] {
        ["maxAverageWeeklyHours": FormRows.number(r.maxAverageWeeklyHours), "minRestHours": FormRows.number(r.minRestHours),
         "maxConsecutiveDays": String(r.maxConsecutiveDays), "maxNightsInARow": String(r.maxNightsInARow),
         "reservePerDay": String(r.reservePerDay), "holidayStandby": String(r.holidayStandby), "monthStartDays": String(r.monthStartDays)]
    }

    /// The inputs, from saved rules or (after a refusal) from what was typed.
    static func ruleFields(_ rules: RosterRules, typed: [String: String]?, problems: [FieldProblemDTO]) -> [RuleField] {
        let saved = values(rules)
        return ruleSpecs.map { s in
            let reasons = problems.filter { $0.field == s.name }.map(\.message)
            return RuleField(name: s.name, label: s.label, unit: s.unit, hint: s.hint,
                             value: typed.map { ($0[s.name] ?? "").trimmingCharacters(in: .whitespaces) } ?? saved[s.name] ?? "",
                             step: s.decimal ? "0.5" : "1", error: reasons.isEmpty ? nil : reasons.joined(separator: "；"))
        }
    }

    /// The rules the form describes, checked by `RosterRules.problems()`.
    static func rules(_ form: [String: String]) -> Result<RosterRules, KefuError> {
        var problems: [FieldProblemDTO] = []
        var r = RosterRules()
        for s in ruleSpecs {
            let text = (form[s.name] ?? "").trimmingCharacters(in: .whitespaces)
            if s.decimal {
                guard let d = FormRows.double(text) else { problems.append(.init(field: s.name, message: "\(s.label)须为数字（\(s.unit)）")); continue }
                if s.name == "maxAverageWeeklyHours" { r.maxAverageWeeklyHours = d } else { r.minRestHours = d }
            } else {
                guard let n = FormRows.int(text) else { problems.append(.init(field: s.name, message: "\(s.label)须为整数（\(s.unit)）")); continue }
                switch s.name {
                case "maxConsecutiveDays": r.maxConsecutiveDays = n
                case "maxNightsInARow": r.maxNightsInARow = n
                case "reservePerDay": r.reservePerDay = n
                case "holidayStandby": r.holidayStandby = n
                default: r.monthStartDays = n
                }
            }
        }
        let typedFields = Set(problems.map(\.field))
        problems += r.problems().filter { !typedFields.contains($0.field) }.map(FieldProblemDTO.init)
        return problems.isEmpty ? .success(r) : .failure(.invalid(problems))
    }
}
