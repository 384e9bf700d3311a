import KefuCore

extension KefuError {
    /// KefuCore's workforce refusals as the API's and pages' error: 422 with the field named.
    init(_ e: WorkforceError) {
        switch e {
        case let .invalidInput(field, reason): self = .invalid([.init(field: field, message: reason)])
        case let .badLine(line, reason): self = .invalid([.init(field: "line \(line)", message: "第 \(line) 行：\(reason)")])
        case let .infeasible(reason): self.init(.unprocessableEntity, "infeasible", reason)
        }
    }
}
