import Foundation

/// One agent as the month roster sees them: contract, limits and wishes.
public struct RosterAgent: Codable, Equatable, Sendable {
    public var workId: String
    public var name: String
    public var skills: [String]
    /// Contracted hours per week; the roster never plans above it (≤ 40, the national rule).
    public var weeklyHours: Double
    public var nightAllowed: Bool
    /// Template codes the agent would rather work; a soft wish, not a promise.
    public var preferredShifts: [String]
    /// Leave, training … : days the agent must not be rostered.
    public var unavailable: [LocalDay]
    /// May be put on the emergency reserve (应急备班) or holiday standby seats.
    public var isReserveEligible: Bool

    public init(workId: String, name: String, skills: [String] = [], weeklyHours: Double = 40,
                nightAllowed: Bool = true, preferredShifts: [String] = [], unavailable: [LocalDay] = [],
                isReserveEligible: Bool = true) {
        self.workId = workId
        self.name = name
        self.skills = skills
        self.weeklyHours = weeklyHours
        self.nightAllowed = nightAllowed
        self.preferredShifts = preferredShifts
        self.unavailable = unavailable
        self.isReserveEligible = isReserveEligible
    }

    /// Refuses a contract the roster could not honour lawfully.
    public func validate() throws {
        if workId.trimmingCharacters(in: .whitespaces).isEmpty {
            throw WorkforceError.invalidInput(field: "agent", reason: "工号不能为空")
        }
        guard weeklyHours.isFinite, weeklyHours >= 0, weeklyHours <= 40 else {
            throw WorkforceError.invalidInput(field: "agent", reason: "工号 \(workId) 的周工时必须在 0 到 40 小时之间")
        }
    }
}
