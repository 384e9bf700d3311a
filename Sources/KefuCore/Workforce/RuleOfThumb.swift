import Foundation

/// The seed's own sizing rule (R4.4): seats = busy-hour calls divided by the
/// calls one agent can answer in that hour, rounded up. Kept next to Erlang so
/// the plan can show both and managers see why the queueing answer differs.
public enum RuleOfThumb {
    public static func seats(busyHourCalls: Double, maxCallsPerAgentPerHour: Double) throws -> Int {
        guard busyHourCalls.isFinite, busyHourCalls >= 0, busyHourCalls <= 1e9 else {
            throw WorkforceError.invalidInput(field: "busy-hour-calls", reason: "忙时话务量必须是不小于 0 的数字")
        }
        guard maxCallsPerAgentPerHour.isFinite, maxCallsPerAgentPerHour >= 0.1, maxCallsPerAgentPerHour <= 1000 else {
            throw WorkforceError.invalidInput(field: "max-calls-per-agent",
                                              reason: "每名座席每小时最多接听量必须在 0.1–1000 之间")
        }
        let raw = busyHourCalls / maxCallsPerAgentPerHour
        // Tolerance so 0.3 / 0.1 style quotients do not gain a seat.
        return max(0, Int((raw - 1e-9).rounded(.up)))
    }
}
