import Foundation
import KefuCore

/// The center's staffing targets, turned into Erlang inputs for every forecast interval.
/// Kept in `app_settings` (`workforce.staffing`) so each forecast run uses the targets in
/// force when it ran, and records them.
struct StaffingParameters: Codable, Equatable, Sendable {
    var targetServiceLevel: Double = 0.8
    var answerWithinSeconds: Double = 20
    var shrinkage: Double = 0.3
    var maxOccupancy: Double = 0.85
    /// Average patience in seconds; set → Erlang A.
    var patienceSeconds: Double? = nil
    /// The seed's rule of thumb (R4.4): most calls one agent answers in a busy hour.
    var maxCallsPerAgentHour: Double = 12

    /// The Erlang input for an interval; `calls` is filled per interval.
    func target(intervalMinutes: Int, ahtSeconds: Double) -> StaffingTarget {
        StaffingTarget(calls: 1, intervalSeconds: Double(intervalMinutes * 60), ahtSeconds: ahtSeconds,
                       targetServiceLevel: targetServiceLevel, answerWithinSeconds: answerWithinSeconds,
                       patienceSeconds: patienceSeconds, shrinkage: shrinkage, maxOccupancy: maxOccupancy)
    }

    /// Range checks with Chinese reasons, so the form says what is wrong with which field.
    func problems() -> [FieldProblemDTO] {
        var out: [FieldProblemDTO] = []
        if !(targetServiceLevel > 0 && targetServiceLevel <= 1) { out.append(.init(field: "targetServiceLevel", message: "服务水平目标须在 0 到 1 之间")) }
        if !(answerWithinSeconds >= 0 && answerWithinSeconds <= 3600) { out.append(.init(field: "answerWithinSeconds", message: "应答时限须在 0 到 3600 秒之间")) }
        if !(shrinkage >= 0 && shrinkage < 1) { out.append(.init(field: "shrinkage", message: "缺勤损耗须不小于 0 且小于 1")) }
        if !(maxOccupancy > 0 && maxOccupancy <= 1) { out.append(.init(field: "maxOccupancy", message: "最高占用率须在 0 到 1 之间")) }
        if let p = patienceSeconds, !(p > 0 && p.isFinite) { out.append(.init(field: "patienceSeconds", message: "平均耐心时长须大于 0 秒")) }
        if !(maxCallsPerAgentHour > 0 && maxCallsPerAgentHour <= 1000) { out.append(.init(field: "maxCallsPerAgentHour", message: "每人每小时最高接通量须大于 0")) }
        return out
    }
}
