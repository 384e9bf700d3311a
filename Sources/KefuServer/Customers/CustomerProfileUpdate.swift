import Fluent
import Vapor
import KefuCore

/// The record's classification (R5.1): person or organisation, account manager, tags,
/// notes. Not registered identity data, so the front line keeps it directly (no change
/// request, R5.4 covers names, numbers and addresses); every change is audited.
struct CustomerProfileUpdate {
    struct Input: Content {
        var kind: String?
        var accountManagerWorkId: String?
        var tags: [String]?
        var notes: String?
    }

    let scope: OrderScope
    let history: History
    let now: Date

    func apply(customerID: UUID, _ input: Input) async throws -> Customer {
        let customer = try await scope.customer(customerID)
        var problems: [FieldProblemDTO] = []
        var kind = customer.kind
        if let k = input.kind {
            if let parsed = CustomerKind(rawValue: k) { kind = parsed } else { problems.append(.init(field: "kind", message: "类型须为 person（个人）或 organisation（单位）")) }
        }
        var manager = customer.accountManager
        if let sent = input.accountManagerWorkId, case let w = sent.trimmingCharacters(in: .whitespaces) {
            // Counted as sent (JSON Schema's maxLength), then trimmed.
            if sent.unicodeScalars.count > 32 { problems.append(.init(field: "accountManagerWorkId", message: "工号过长")) }
            else if w.isEmpty { manager = nil }
            else if try await WorkOrderService.activeColleague(w, for: customer.companyID, on: scope.db) != nil { manager = w }
            else { problems.append(.init(field: "accountManagerWorkId", message: "客户经理工号不存在或不在该公司：\(w)")) }
        }
        var tags = customer.tags
        if let given = input.tags {
            // Each tag as sent: not empty, no comma (the stored separator), within the limits.
            problems += CustomerContactRules.tagProblems(given).map { .init(field: $0.field, message: $0.message) }
            if given.contains(where: { $0.isEmpty || $0.contains(",") || $0.contains("，") }) {
                problems.append(.init(field: "tags", message: "标签不能为空，也不能含逗号"))
            }
            let cleaned = CustomerContactRules.tags(given.joined(separator: ","))
            tags = cleaned.isEmpty ? nil : cleaned.joined(separator: ",")
        }
        var notes = customer.notes
        if let n = input.notes {
            if let p = Validation.checkText(n, field: "notes", label: "备注", max: CustomerContactRules.maxNotes, required: false) {
                problems.append(.init(field: p.field, message: p.message))
            }
            let trimmed = n.trimmingCharacters(in: .whitespacesAndNewlines)
            notes = trimmed.isEmpty ? nil : trimmed
        }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        let before = "\(customer.kind.rawValue)|\(customer.accountManager ?? "")|\(customer.tags ?? "")|\(customer.notes ?? "")"
        let after = "\(kind.rawValue)|\(manager ?? "")|\(tags ?? "")|\(notes ?? "")"
        guard before != after else { return customer }
        return try await scope.db.writeTransaction { [now, history, kind, manager, tags, notes] tx in
            customer.kind = kind; customer.accountManager = manager; customer.tags = tags; customer.notes = notes; customer.updatedAt = now
            try await customer.update(on: tx)
            try await history.on(tx).audit(action: "customer.profile", objectType: "customer", objectId: customerID.uuidString, before: before, after: after)
            return customer
        }
    }
}
