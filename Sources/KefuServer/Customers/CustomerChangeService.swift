import Vapor
import Fluent
import KefuCore

/// Changing a customer's registered data (R5.4; seed 003 2.4, 002 保密制度 5 "不得擅自更改客户
/// 资料"): never a direct edit. A change request names the fields and how the caller proved
/// who they are; a wrong value is refused and counted, a right one applies at once for an
/// ordinary customer or waits for a team lead for a special one (R5.3). Every applied
/// change keeps the old and new values in the request and in the audit log.
struct CustomerChangeService {
    let tenant: TenantData
    let actor: User
    let history: History
    let now: Date

    let sealer: FieldSealer
    var db: Database { tenant.db }

    /// As the signed-in person of `req`, in their company scope.
    init(_ req: Request) async throws {
        self.init(tenant: try await req.tenant(), actor: try req.user(), history: req.history(), now: req.now, sealer: req.kefu.sealer)
    }

    init(tenant: TenantData, actor: User, history: History, now: Date, sealer: FieldSealer) {
        self.tenant = tenant; self.actor = actor; self.history = history; self.now = now; self.sealer = sealer
    }

    struct Verification: Content {
        var method: String?
        var value: String?
    }
    struct Input: Content {
        var changes: CustomerChanges?
        var verification: Verification?
    }

    /// What a request became; a refused one is stored before the refusal is answered.
    enum Outcome {
        case stored(CustomerChangeRequest)
        case refused(String)
    }

    func request(customerID: UUID, _ input: Input) async throws -> CustomerChangeRequest {
        guard let raw = input.changes, !raw.isEmpty else {
            throw KefuError.invalid([.init(field: "changes", message: "请填写要变更的资料。")])
        }
        guard let methodText = input.verification?.method, let method = VerificationMethod(rawValue: methodText) else {
            throw KefuError.invalid([.init(field: "verification.method",
                                           message: "请选择核实身份的方式：\(VerificationMethod.allCases.map(\.label).joined(separator: "、"))。")])
        }
        // Counted as sent (JSON Schema's maxLength), then trimmed.
        guard let sent = input.verification?.value, sent.unicodeScalars.count <= 200,
              case let value = sent.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            throw KefuError.invalid([.init(field: "verification.value", message: "请填写客户提供的\(method.label)。")])
        }
        // The lists as sent (an empty or overlong entry is refused, not dropped).
        let listProblems = CustomerContactRules.problems(phones: raw.phones, emails: raw.emails, prefix: "changes.")
        guard listProblems.isEmpty else { throw KefuError.invalid(listProblems.map(FieldProblemDTO.init)) }
        let changes = raw.normalised
        let outcome: Outcome = try await db.writeTransaction { tx in
            let data = tenant.on(tx)
            let customer = try await data.require(Customer.self, customerID, "客户")
            let extra = try await data.query(CustomerContact.self).filter(\.$customerID == customerID).filter(\.$kind == .phone).all().map(\.value)
            let identity = RegisteredIdentity(idNumber: try customer.idNumber(sealer), phones: [customer.phone] + (customer.phone2.map { [$0] } ?? []) + extra,
                                              address: customer.address)
            let row = CustomerChangeRequest()
            row.id = UUID(); row.companyID = customer.companyID; row.customerID = customerID
            row.requestedBy = actor.workId; row.method = method; row.changes = try changes.json(sealer); row.createdAt = now
            switch CustomerVerification.check(method, value: value, against: identity) {
            case .unavailable:
                throw KefuError.invalid([.init(field: "verification.method", message: "档案中没有\(method.label)，请换一种方式核实。")])
            case .mismatch:
                row.status = .refused
                try await row.create(on: tx)
                try await history.on(tx).audit(action: "customer.verify_failed", objectType: "customer", objectId: customerID.uuidString,
                                               after: method.rawValue)
                return .refused(method.label)
            case .verified:
                try await check(changes, of: customer, on: data)
                let listed = try await data.query(SpecialCustomer.self).filter(\.$customerID == customerID).count() > 0
                row.status = ChangeRequestStatus.afterVerification(tier: customer.tier, listedSpecial: listed)
                if row.status == .applied { try await apply(row, changes, to: customer, on: tx) }
                try await row.create(on: tx)
                if row.status == .pending {
                    try await history.on(tx).audit(action: "customer.change_requested", objectType: "customer",
                                                   objectId: customerID.uuidString, after: row.changes)
                }
                return .stored(row)
            }
        }
        switch outcome {
        case .stored(let row): return row
        case .refused(let label):
            throw KefuError(.unprocessableEntity, "verification_failed", "\(label)与档案不符，未变更。核实失败已登记。")
        }
    }

    /// A team lead's decision on a pending request of a special customer.
    func decide(customerID: UUID, requestID: UUID, approve: Bool, note: String?) async throws -> CustomerChangeRequest {
        if let note, note.unicodeScalars.count > Validation.maxNoteLength {
            throw KefuError.invalid([.init(field: "note", message: "说明过长。")])
        }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if !approve, (note ?? "").isEmpty {
            throw KefuError.invalid([.init(field: "note", message: "驳回须写明原因。")])
        }
        return try await db.writeTransaction { tx in
            let data = tenant.on(tx)
            let row = try await data.require(CustomerChangeRequest.self, requestID, "变更申请")
            guard row.customerID == customerID else { throw KefuError.notFound("变更申请") }
            guard row.status == .pending else {
                throw KefuError(.conflict, "not_pending", "该申请已\(row.status.label)，不能再审批。")
            }
            let customer = try await data.require(Customer.self, customerID, "客户")
            row.decidedBy = actor.workId; row.decidedAt = now; row.decisionNote = note?.isEmpty == true ? nil : note
            if approve {
                let changes = try CustomerChanges.decode(row.changes, sealer)
                try await check(changes, of: customer, on: data)
                try await apply(row, changes, to: customer, on: tx)
            } else {
                row.status = .rejected
                try await history.on(tx).audit(action: "customer.change_rejected", objectType: "customer",
                                               objectId: customerID.uuidString, after: note)
            }
            try await row.update(on: tx)
            return row
        }
    }

    /// The customer with the change applied must still be a valid record, and a new number
    /// must not be another customer's (one number, one customer).
    private func check(_ changes: CustomerChanges, of customer: Customer, on data: TenantData) async throws {
        let merged = CustomerInput(name: changes.name ?? customer.name, phone: changes.phone ?? customer.phone,
                                   phone2: changes.phone2 ?? customer.phone2, idNumber: try changes.idNumber ?? customer.idNumber(sealer),
                                   tier: customer.tier.rawValue, address: changes.address ?? customer.address)
        let service = CustomerService(tenant: data, now: now)
        let problems = service.validate(merged, prefix: "changes.") + CustomerContactRules.problems(phones: changes.phones, emails: changes.emails, prefix: "changes.")
        guard problems.isEmpty else { throw KefuError.invalid(problems.map(FieldProblemDTO.init)) }
        for number in [changes.phone, changes.phone2].compactMap({ $0 }) + (changes.phones ?? []) where !number.isEmpty {
            if let other = try await service.find(phone: number, company: customer.companyID).first(where: { $0.id != customer.id }) {
                throw KefuError(.conflict, "phone_taken", "号码 \(Masking.phone(number)) 已登记在客户 \(other.name) 名下。")
            }
        }
    }

    private func apply(_ row: CustomerChangeRequest, _ changes: CustomerChanges, to customer: Customer, on tx: Database) async throws {
        let contacts = try await tenant.on(tx).query(CustomerContact.self).filter(\.$customerID == customer.requireID()).sort(\.$createdAt).all()
        let before = try changes.current(of: customer, sealer, contacts: contacts)
        try changes.apply(to: customer, sealer)
        // The other phones and the e-mail addresses: each list given replaces the one on file.
        for (kind, values) in [(CustomerContact.Kind.phone, changes.phones), (.email, changes.emails)] {
            guard let values else { continue }
            for old in contacts where old.kind == kind { try await old.delete(on: tx) }
            for value in values {
                try await CustomerContact(companyID: customer.companyID, customerID: try customer.requireID(), kind: kind, value: value, at: now).create(on: tx)
            }
        }
        customer.updatedAt = now
        try await customer.update(on: tx)
        row.status = .applied
        row.before = try before.json(sealer)
        try await history.on(tx).audit(action: "customer.change", objectType: "customer", objectId: customer.id?.uuidString,
                                       before: row.before, after: row.changes)
    }
}
