import Fluent
import Vapor
import KefuCore

/// The protected-numbers directory of one company (R5.6): kept by admins, read in full by
/// nobody else, and handed to the language QA so a contact in which an agent says or types
/// one of them is flagged `confidential.protected_number` and a chat line holding one is
/// stopped before it goes.
struct ProtectedNumberDirectory: Sendable {
    let company: WorkforceCompany
    let now: Date

    static let maxHolder = 40
    static let maxNote = 200

    struct Input: Content { var number: String?; var holder: String?; var note: String? }

    struct EntryDTO: Content {
        var id: UUID
        var companyCode: String
        var number: String
        var holder: String
        var note: String?
        var createdBy: String
        var createdAt: Date
    }

    func list() async throws -> [ProtectedNumber] {
        try await company.data.query(ProtectedNumber.self).sort(\.$holder).sort(\.$number).all()
    }

    func dto(_ p: ProtectedNumber) throws -> EntryDTO {
        EntryDTO(id: try p.requireID(), companyCode: company.code, number: p.number, holder: p.holder, note: p.note,
                 createdBy: p.createdBy, createdAt: p.createdAt)
    }

    /// A number already in the directory is a 409, never a second row.
    func add(_ input: Input, by actor: String) async throws -> ProtectedNumber {
        var problems: [FieldProblemDTO] = []
        let raw = input.number ?? ""
        if raw.unicodeScalars.count > 40 || !Validation.isValidPhone(raw) {
            problems.append(.init(field: "number", message: "号码无效：须为手机、带区号的固话或服务号码"))
        }
        if let p = Validation.checkLine(input.holder, field: "holder", label: "号码所属", max: Self.maxHolder) { problems.append(.init(field: p.field, message: p.message)) }
        if let p = Validation.checkLine(input.note, field: "note", label: "备注", max: Self.maxNote, required: false) { problems.append(.init(field: p.field, message: p.message)) }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        let number = Validation.normalizePhone(raw)
        let note = input.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await company.db.writeTransaction { [company, now] tx in
            let data = company.data.on(tx)
            if try await data.query(ProtectedNumber.self).filter(\.$number == number).count() > 0 {
                throw KefuError.conflict("number_exists", "该号码已在受保护号码名录中。")
            }
            let p = ProtectedNumber()
            p.id = UUID(); p.companyID = company.id; p.number = number
            p.holder = (input.holder ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            p.note = note?.isEmpty == false ? note : nil; p.createdBy = actor; p.createdAt = now
            try await p.create(on: tx)
            // The number itself stays out of the audit trail: only who added whose.
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "protected_number.added", objectType: "protected_number", objectId: p.id?.uuidString,
                       after: "\(p.holder) \(Masking.phone(number))")
            return p
        }
    }

    func remove(_ id: UUID, by actor: String) async throws {
        try await company.db.writeTransaction { [company, now] tx in
            guard let p = try await company.data.on(tx).query(ProtectedNumber.self).filter(\.$id == id).first() else {
                throw KefuError.notFound("受保护号码")
            }
            try await p.delete(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "protected_number.removed", objectType: "protected_number", objectId: id.uuidString,
                       before: "\(p.holder) \(Masking.phone(p.number))")
        }
    }

    /// What the language QA checks a company's contacts and chat lines against.
    static func numbers(company: UUID, on db: Database) async throws -> ProtectedNumbers {
        let rows = try await TenantData(scope: .companies([company]), db: db).query(ProtectedNumber.self).field(\.$id).field(\.$companyID).field(\.$number).all()
        return ProtectedNumbers(rows.map(\.number))
    }
}
