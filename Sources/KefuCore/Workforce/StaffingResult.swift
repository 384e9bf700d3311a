import Foundation

/// Agents needed for one interval and what that staffing delivers, so the
/// plan can show the expected SL/ASA next to the head count it asks for.
public struct StaffingResult: Codable, Equatable, Sendable {
    /// Agents logged in and taking calls.
    public var agents: Int
    /// Agents to put on the roster once shrinkage is added back.
    public var scheduled: Int
    /// Share of offered calls answered within the target time.
    public var serviceLevel: Double
    /// Average speed of answer in seconds (answered calls, zero waits included).
    public var asa: Double
    /// Probability an arriving call has to wait at all.
    public var probWait: Double
    /// Share of agent time spent handling calls.
    public var occupancy: Double
    /// Share of offered calls that hang up while waiting; only with Erlang A.
    public var abandonRate: Double?

    public init(agents: Int, scheduled: Int, serviceLevel: Double, asa: Double, probWait: Double,
                occupancy: Double, abandonRate: Double? = nil) {
        self.agents = agents
        self.scheduled = scheduled
        self.serviceLevel = serviceLevel
        self.asa = asa
        self.probWait = probWait
        self.occupancy = occupancy
        self.abandonRate = abandonRate
    }

    /// An interval without calls needs nobody and trivially meets every target.
    public static let zero = StaffingResult(agents: 0, scheduled: 0, serviceLevel: 1, asa: 0, probWait: 0,
                                            occupancy: 0)

    /// Head count to roster: agents / (1 − shrinkage), rounded up, with a
    /// tolerance so 14 / 0.7 (= 20.000000000000004 in Double) stays 20.
    public static func scheduled(agents: Int, shrinkage: Double) -> Int {
        guard agents > 0 else { return 0 }
        let raw = Double(agents) / (1 - shrinkage)
        return Int((raw - 1e-9).rounded(.up))
    }
}
