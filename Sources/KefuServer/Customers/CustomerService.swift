import Vapor
import Fluent
import KefuCore

/// Creating and finding customers, shared by the API, the pages and the work-order form.
/// A customer belongs to one company (R11.2): the same phone number calling two client
/// companies is two customers, each company's own.
struct CustomerService {
    let tenant: TenantData
    let now: Date
    var db: Database { tenant.db }

    /// Validates and creates; returns field problems instead of throwing so the work-order
    /// form can show them next to the other fields.
    func validate(_ input: CustomerInput, prefix: String = "") -> [FieldProblem] {
        var problems = CustomerRecordRules.problems(name: input.name, phone: input.phone, phone2: input.phone2,
                                                    idNumber: input.idNumber, address: input.address, prefix: prefix)
        if let t = input.tier, !t.isEmpty, CustomerTier(rawValue: t) == nil {
            problems.append(FieldProblem(field: prefix + "tier", message: "客户等级无效：\(t)"))
        }
        return problems
    }

    func create(_ input: CustomerInput, company: UUID, branch: UUID?, history: History, sealer: FieldSealer) async throws -> Customer {
        try tenant.check(company)
        let problems = validate(input)
        guard problems.isEmpty else { throw KefuError.invalid(problems.map(FieldProblemDTO.init)) }
        let phone2 = input.phone2.map(Validation.normalizePhone).flatMap { $0.isEmpty ? nil : $0 }
        let customer = Customer(name: input.name!.trimmingCharacters(in: .whitespacesAndNewlines),
                                phone: Validation.normalizePhone(input.phone!), phone2: phone2,
                                idNumberSealed: try sealer.seal(input.idNumber.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }),
                                tier: input.tier.flatMap(CustomerTier.init(rawValue:)) ?? .normal,
                                address: input.address.flatMap { $0.isEmpty ? nil : $0 }, now: now)
        customer.companyID = company; customer.branchID = branch
        try await customer.create(on: db)
        try await history.audit(action: "customer.create", objectType: "customer", objectId: customer.id?.uuidString, after: customer.name)
        return customer
    }

    /// The customer already holding this phone number, or a new one: one number is one
    /// customer, however often a form or a client sends it. Call inside a write transaction;
    /// on PostgreSQL a transaction lock on the number keeps two processes from creating it
    /// both (SQLite admits one writer at a time already).
    func findOrCreate(_ input: CustomerInput, company: UUID, branch: UUID?, history: History, sealer: FieldSealer) async throws -> (customer: Customer, created: Bool) {
        let problems = validate(input)
        guard problems.isEmpty else { throw KefuError.invalid(problems.map(FieldProblemDTO.init)) }
        let phone = Validation.normalizePhone(input.phone ?? "")
        let sql = try db.sql()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "customer-phone:\(company.uuidString):" + phone)))").run()
        }
        if let existing = try await find(phone: phone, company: company).first { return (existing, false) }
        return (try await create(input, company: company, branch: branch, history: history, sealer: sealer), true)
    }

    /// Narrows `query` to the customers holding the (normalised) number: as main or second
    /// phone, or among their other phones (R5.1) — the one meaning of "this number's customer".
    func holding(_ number: String, _ query: QueryBuilder<Customer>) async throws {
        let others = try await tenant.query(CustomerContact.self).filter(\.$kind == .phone).filter(\.$value == number)
            .field(\.$id).field(\.$companyID).field(\.$customerID).limit(20).all().map(\.customerID)
        query.group(.or) { g in
            g.filter(\.$phone == number).filter(\.$phone2 == number)
            if !others.isEmpty { g.filter(\.$id ~~ others) }
        }
    }

    /// Customers holding this number (main, second or another phone), in `company` (nil: any company
    /// in scope, oldest first).
    func find(phone: String, company: UUID? = nil) async throws -> [Customer] {
        let p = Validation.normalizePhone(phone)
        guard !p.isEmpty else { return [] }
        let query = tenant.query(Customer.self)
        try await holding(p, query)
        if let company { query.filter(\.$companyID == company) }
        return try await query.sort(\.$createdAt).limit(20).all()
    }
}

extension Request {
    /// Registers the read of a customer archive (查阅登记, R5.5) with why it was opened.
    func logArchiveRead(_ customer: Customer, channel: String, reason: String) async throws {
        guard let id = customer.id, let user = auth.get(User.self) else { return }
        try await CustomerAccessLog(companyID: customer.companyID, customerID: id, actorWorkId: user.workId, at: now,
                                    channel: channel, reason: reason, ip: remoteAddress?.ipAddress).create(on: db)
    }

    /// Why an archive is opened, from the query: `?orderNumber=` (the order being worked on),
    /// `?callId=` (the call on the line), or `?reason=` (the reader's own words); `fallback`
    /// when none is given. Refused when too long to be a reason.
    func archiveReadReason(fallback: String) throws -> String {
        var parts: [String] = []
        for (key, label, limit) in [("orderNumber", "工单 ", 40), ("callId", "来电 ", 120), ("reason", "", 200)] {
            guard let sent = query[String.self, at: key] else { continue }
            // Counted as sent (JSON Schema's maxLength), then trimmed.
            let value = sent.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { continue }
            guard sent.unicodeScalars.count <= limit else {
                throw KefuError.invalid([.init(field: key, message: "查阅原因过长（最多 \(limit) 个字）。")])
            }
            guard !Validation.hasControlCharacters(value) else {
                throw KefuError.invalid([.init(field: key, message: "查阅原因含有控制字符。")])
            }
            parts.append(label + value)
        }
        return parts.isEmpty ? fallback : parts.joined(separator: "；")
    }
}
