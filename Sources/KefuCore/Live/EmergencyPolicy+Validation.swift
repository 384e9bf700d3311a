import Foundation

extension EmergencyPolicy {
    /// Problems an administrator must fix before the policy is saved, in the
    /// words shown next to the field. Empty when the policy is usable.
    ///
    /// The checks refuse what would make the engine oscillate or recommend
    /// nonsense (a sign-out level above a trigger, a group pulled in twice),
    /// not what is merely unusual.
    public func validate() -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if stages.isEmpty {
            problems.append(FieldProblem(field: "stages", message: "至少需要一个应急步骤"))
        }
        problems += Self.check(stages, field: "stages", label: "第", night: false)
        if physicalSeats <= 0 {
            problems.append(FieldProblem(field: "physicalSeats", message: "物理台席数必须大于 0"))
        }
        if release.waitingAtMost < 0 {
            problems.append(FieldProblem(field: "release.waitingAtMost", message: "签出阈值不能为负数"))
        }
        let lowest = (stages + (nightMode.enabled ? nightMode.stages : [])).map(\.trigger.above).min()
        if let lowest, release.waitingAtMost > lowest {
            problems.append(FieldProblem(
                field: "release.waitingAtMost",
                message: "签出阈值（≤\(release.waitingAtMost)）不能高于最低的触发下限（>\(lowest)），否则会反复签入签出"))
        }
        if !Self.sustainRange.contains(release.sustainSeconds) {
            problems.append(FieldProblem(field: "release.sustainSeconds", message: "签出持续时间须在 1 秒到 60 分钟之间"))
        }
        if !(targetOccupancy > 0 && targetOccupancy <= 1) {
            problems.append(FieldProblem(field: "targetOccupancy", message: "目标占用率须大于 0 且不超过 100%"))
        }
        if nightMode.enabled {
            for (name, minute) in [("startMinute", nightMode.startMinute), ("endMinute", nightMode.endMinute)]
            where !(0..<1440).contains(minute) {
                problems.append(FieldProblem(field: "nightMode.\(name)", message: "夜间时段的时间须在 00:00 到 23:59 之间"))
            }
            if nightMode.startMinute == nightMode.endMinute {
                problems.append(FieldProblem(field: "nightMode.endMinute", message: "夜间时段的开始和结束时间不能相同"))
            }
            if TimeZone(identifier: nightMode.timeZone) == nil {
                problems.append(FieldProblem(field: "nightMode.timeZone", message: "无法识别的时区：\(nightMode.timeZone)"))
            }
            if nightMode.stages.isEmpty {
                problems.append(FieldProblem(field: "nightMode.stages", message: "启用夜间模式时至少需要一个夜间步骤"))
            }
            problems += Self.check(nightMode.stages, field: "nightMode.stages", label: "夜间第", night: true)
        }
        return problems
    }

    public var isValid: Bool { validate().isEmpty }

    static let sustainRange = 1...3600

    private static func check(_ stages: [EmergencyStage], field: String, label: String, night: Bool) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        var pulledAt: [AgentGroup: Int] = [:]
        for (index, stage) in stages.enumerated() {
            let name = "\(label)\(index + 1)步"
            func add(_ key: String, _ message: String) {
                problems.append(FieldProblem(field: "\(field)[\(index)].\(key)", message: "\(name)：\(message)"))
            }
            if stage.trigger.above < 0 { add("trigger.above", "触发下限不能为负数") }
            if let atMost = stage.trigger.atMost, atMost <= stage.trigger.above {
                add("trigger.atMost", "触发上限（≤\(atMost)）必须大于下限（>\(stage.trigger.above)）")
            }
            if !sustainRange.contains(stage.sustainSeconds) { add("sustainSeconds", "持续时间须在 1 秒到 60 分钟之间") }
            switch stage.kind {
            case .pullIn:
                if stage.groups.count != 1 {
                    add("groups", "调入步骤必须且只能指定一个人员组")
                } else if let group = stage.groups.first {
                    if group == .inbound { add("groups", "呼入组本身不能作为调入组") }
                    if let earlier = pulledAt[group] {
                        add("groups", "\(group.label)已在第\(earlier)步调入，不能重复调入")
                    } else {
                        pulledAt[group] = index + 1
                    }
                }
                if (stage.minSeats == nil) != (stage.maxSeats == nil) {
                    add("maxSeats", "调入人数的下限和上限须同时填写，或同时留空（表示全组）")
                } else if let low = stage.minSeats, let high = stage.maxSeats {
                    if low < 1 { add("minSeats", "调入人数下限至少为 1") }
                    if high < low { add("maxSeats", "调入人数上限（\(high)）不能小于下限（\(low)）") }
                }
                if night { add("kind", "夜间步骤不能按组调入，请使用夜间全员签入") }
            case .nightAllHands:
                if stage.groups.isEmpty { add("groups", "夜间全员签入须指定参与的人员组") }
                if stage.groups.contains(where: \.isPhoneGroup) { add("groups", "夜间全员签入只应包括非话务人员组") }
                if (stage.keepSupervisors ?? 0) < 0 { add("keepSupervisors", "保留的现场督导人数不能为负数") }
                if !night { add("kind", "夜间全员签入只能用于夜间步骤") }
            case .extendShifts, .overtime:
                break
            }
        }
        return problems
    }
}
