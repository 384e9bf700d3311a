import Foundation

/// Where a leave request stands.
public enum LeaveStatus: String, CaseIterable, Codable, Sendable {
    case pending, approved, rejected

    public var label: String {
        switch self {
        case .pending: "待审批"
        case .approved: "已批准"
        case .rejected: "未批准"
        }
    }
}

/// Who does what with attendance (R9.2, 002 考勤制度): everyone punches and asks for leave
/// for themselves; the team lead (or the shift lead, or the admin) approves leave, enters
/// punches for others, corrects a line with a reason, and reads everyone's sheet; the
/// planner reads sheets to plan.
public enum AttendanceAccess {
    public static let maxLeaveDays = 180
    public static let maxText = 200

    public static func mayManage(_ role: Role) -> Bool { Permission.attendanceManage.isGranted(to: role) }

    public static func mayRead(sheetOf workId: String, viewer: String, role: Role) -> Bool {
        workId == viewer || mayManage(role) || role == .planner
    }

    /// A punch someone sends for themselves is "now": it may differ from the server's clock
    /// by this much (a slow network), no more; other times are a lead's correction.
    public static let ownPunchTolerance: TimeInterval = 5 * 60

    /// A punch entered for someone else is about the past year (a clock machine's export, a
    /// forgotten punch), never the future beyond the day.
    public static func isPlausible(punchAt at: Date, now: Date) -> Bool {
        at >= now.addingTimeInterval(-400 * 86_400) && at <= now.addingTimeInterval(86_400)
    }

    /// What is wrong with a leave request as typed.
    public static func leaveProblems(from: LocalDay?, through: LocalDay?, reason: String) -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        guard let from else { return [("from", "开始日期须为 YYYY-MM-DD")] }
        guard let through else { return [("through", "结束日期须为 YYYY-MM-DD")] }
        if through < from { out.append(("through", "结束日期不能早于开始日期")) }
        else if from.adding(days: maxLeaveDays) <= through { out.append(("through", "一次请假不超过 \(maxLeaveDays) 天")) }
        if reason.count > maxText { out.append(("reason", "事由不超过 \(maxText) 字")) }
        return out
    }

    /// A daily wage as typed ("180", "180.5", "¥180.50") in fen, read as money is everywhere
    /// (`Money.fen`): 0.01–100000 yuan, anything else `nil`.
    public static func dailyWageFen(_ text: String) -> Int? {
        Money.fen(text).flatMap { (1...10_000_000).contains($0) ? $0 : nil }
    }
}
