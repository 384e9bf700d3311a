import Foundation

/// Why a workforce computation refused its input. Every case carries a
/// Chinese reason for the page and a stable code for the API and CLI, so bad
/// input is reported the same way in all three.
public enum WorkforceError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    /// A parameter out of range (AHT 0, a service-level target above 1 …).
    case invalidInput(field: String, reason: String)
    /// A line of an imported file that cannot be read (1-based line number).
    case badLine(line: Int, reason: String)
    /// The constraints leave no solution (caps below the requirement …).
    case infeasible(reason: String)

    /// Stable machine code, used as the `error` of the JSON body.
    public var code: String {
        switch self {
        case .invalidInput: "invalid_input"
        case .badLine: "bad_line"
        case .infeasible: "infeasible"
        }
    }

    public var description: String {
        switch self {
        case let .invalidInput(field, reason): "\(field)：\(reason)"
        case let .badLine(line, reason): "第 \(line) 行：\(reason)"
        case let .infeasible(reason): reason
        }
    }

    public var errorDescription: String? { description }
}
