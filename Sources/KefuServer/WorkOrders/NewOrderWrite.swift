import Foundation
import Fluent
import SQLKit
import KefuCore

/// What creating a work order writes, in one transaction: the form's one-time token (when the
/// page sent one), the day's number, the order, its timeline and audit lines, and the links to
/// the order it duplicates (R1.6). Everything the rules decide — deadlines, owner, customer,
/// priority — is settled by `WorkOrderService.create` before; inside the transaction only the
/// duplicate master and the number are read, as they must see the orders committed just before.
///
/// The statements are spelled once (`SQLText`) and run two ways with the same steps: on the
/// SQLite writer thread, grouped with other creates in one commit (`SQLiteWriter`), or through
/// SQLKit in an ordinary transaction (PostgreSQL; SQLite when another write must share the
/// transaction).
struct NewOrderWrite: @unchecked Sendable {
    /// Filled in except `number` and `duplicateOf`, which the transaction decides.
    let order: WorkOrder
    let type: WorkOrderType
    let channel: KefuCore.Channel
    let history: History
    let duplicateRule: DuplicateRule
    let day: LocalDay
    let claim: OnceClaim?

    struct MasterRef: Sendable { var id: UUID; var number: String }

    // MARK: statements

    var duplicateCandidate: SQLText { duplicateCandidate(pinned: false) }

    func duplicateCandidate(pinned: Bool) -> SQLText {
        Self.duplicateCandidate(company: order.companyID, customer: order.$customer.id, type: type,
                                windowStart: duplicateRule.windowStart(now: history.now), pinned: pinned)
    }

    /// The earliest open order of the customer and type inside the window: the rule needs no more.
    /// `pinned` (SQLite only) names the (customer, type, time) index: with sampled statistics
    /// SQLite rated the (company, type, time) one as good and walked every order of the type in
    /// the window for each create (measured: half the create rate with 5,000 orders of another
    /// customer).
    static func duplicateCandidate(company: UUID, customer: UUID, type: WorkOrderType, windowStart: Date,
                                   pinned: Bool = false) -> SQLText {
        let index = pinned ? #" INDEXED BY "work_orders_customer_type_created_idx""# : ""
        return SQLText(sql: """
            SELECT "id", "number", "created_at", "status", "duplicate_of", "customer_id", "type" FROM "work_orders"\(index)
            WHERE "company_id" = ? AND "customer_id" = ? AND "type" = ? AND "status" <> ? AND "created_at" >= ?
            ORDER BY "created_at" LIMIT 1
            """, binds: [.uuid(company), .uuid(customer), .text(type.rawValue),
                         .text(WorkOrderStatus.closed.rawValue), .date(windowStart)])
    }

    static func numberOf(_ id: UUID, company: UUID) -> SQLText {
        SQLText(sql: #"SELECT "number" FROM "work_orders" WHERE "id" = ? AND "company_id" = ?"#,
                binds: [.uuid(id), .uuid(company)])
    }

    /// The per-day sequence is drawn with one UPSERT, so two processes never hand out the same
    /// number. It is the center's, not a company's: one number names one order.
    static func nextNumber(day: LocalDay) -> SQLText {
        SQLText(sql: """
            INSERT INTO "counters" ("key", "value") VALUES (?, 1)
            ON CONFLICT ("key") DO UPDATE SET "value" = "counters"."value" + 1 RETURNING "value"
            """, binds: [.text(OrderNumber.counterKey(day: day))])
    }

    private var claimRow: SQLText? {
        claim.map { c in
            SQLText(sql: """
                INSERT INTO "once_tokens" ("id", "form", "token", "work_id", "result", "created_at")
                VALUES (?, ?, ?, ?, '', ?) ON CONFLICT ("form", "token") DO NOTHING RETURNING "token"
                """, binds: [.uuid(UUID()), .text(c.form), .text(c.token), .text(c.workId), .date(c.now)])
        }
    }

    /// A stored candidate row, as both runners read it.
    struct Candidate: Decodable {
        var id: UUID; var number: String; var created_at: Date; var status: String; var duplicate_of: UUID?
        /// Read by the batch (which asks for several customers at once); nil from the writer thread.
        var customer_id: UUID?; var type: String?
    }

    /// The order and its history, once the number and the master are known.
    func rows(number: String, master: MasterRef?) throws -> [SQLText] {
        order.number = number
        order.duplicateOf = master?.id
        let id = try order.requireID()
        var rows = [try order.insertRow()]
        rows += try history.workOrderRows(id, kind: "created", summary: "创建\(type.label)工单（\(channel.label)），首问负责人 \(order.ownerWorkId)",
                                          changes: ["status": .init(from: nil, to: order.status), "ownerWorkId": .init(from: nil, to: order.ownerWorkId)])
        if let master {
            rows += try history.workOrderRows(id, kind: "duplicate_linked", summary: "与工单 \(master.number) 重复，以先受理的工单为准",
                                              changes: ["duplicateOf": .init(from: nil, to: master.id.uuidString)])
            rows += try history.workOrderRows(master.id, kind: "duplicate_linked", summary: "重单 \(number) 已关联到本工单")
        }
        return rows
    }

    // MARK: the SQLite writer thread

    func run(on c: SQLiteWriteConnection) throws -> MasterRef? {
        if let claimRow, try c.rows(claimRow).isEmpty { throw OnceTokenUsed() }
        let candidate = try c.rows(duplicateCandidate(pinned: true)).first.map { r -> Candidate in
            guard r.count >= 5, let id = r[0].uuid, let number = r[1].text, let at = r[2].date, let status = r[3].text else {
                throw KefuError(.internalServerError, "invalid_stored_value", "重单检查读到无法识别的工单行")
            }
            return Candidate(id: id, number: number, created_at: at, status: status, duplicate_of: r[4].uuid)
        }
        // The rule is synchronous; so is this thread. Its one lookup is read first when needed.
        let masterNumber = try candidate?.duplicate_of.map { try c.rows(Self.numberOf($0, company: order.companyID)).first?.first?.text ?? "" }
        let master = try Self.masterNow(candidate: candidate, rule: duplicateRule, now: history.now, otherNumber: masterNumber)
        guard let sequence = try c.rows(Self.nextNumber(day: day)).first?.first?.int else {
            throw KefuError(.internalServerError, "number_failed", "无法生成工单编号")
        }
        for row in try rows(number: OrderNumber.make(day: day, sequence: sequence), master: master) { try c.rows(row) }
        order.$id.exists = true
        return master
    }

    /// `master(candidate:…)` without suspending: the only number it may need is `otherNumber`,
    /// the candidate's own master's.
    static func masterNow(candidate e: Candidate?, rule: DuplicateRule, now: Date, otherNumber: String?) throws -> MasterRef? {
        guard let e else { return nil }
        guard let status = WorkOrderStatus(rawValue: e.status) else {
            throw KefuError(.internalServerError, "invalid_stored_value", "工单 \(e.number) 的状态无法识别：\(e.status)")
        }
        guard let id = rule.master(among: [.init(id: e.id, createdAt: e.created_at, status: status, duplicateOf: e.duplicate_of)],
                                   now: now) else { return nil }
        return MasterRef(id: id, number: id == e.id ? e.number : otherNumber ?? "")
    }

    // MARK: SQLKit, inside the caller's transaction

    func run(on db: any Database) async throws -> MasterRef? {
        let sql = try db.sql()
        if let claimRow {
            struct Token: Decodable { var token: String }
            guard try await sql.raw(claimRow).first(decoding: Token.self) != nil else { throw OnceTokenUsed() }
        }
        let master = try await Self.duplicateMaster(company: order.companyID, customer: order.$customer.id, type: type,
                                                    rule: duplicateRule, now: history.now, on: sql)
        let number = try await Self.drawNumber(day: day, on: sql)
        for row in try rows(number: number, master: master) { try await sql.raw(row).run() }
        order.$id.exists = true
        return master
    }

    static func duplicateMaster(company: UUID, customer: UUID, type: WorkOrderType, rule: DuplicateRule, now: Date,
                                on sql: any SQLDatabase) async throws -> MasterRef? {
        let candidate = try await sql.raw(duplicateCandidate(company: company, customer: customer, type: type,
                                                             windowStart: rule.windowStart(now: now))).first(decoding: Candidate.self)
        var otherNumber: String?
        if let other = candidate?.duplicate_of {
            struct Number: Decodable { var number: String }
            otherNumber = try await sql.raw(numberOf(other, company: company)).first(decoding: Number.self)?.number
        }
        return try masterNow(candidate: candidate, rule: rule, now: now, otherNumber: otherNumber)
    }

    static func drawNumber(day: LocalDay, on sql: any SQLDatabase) async throws -> String {
        struct Row: Decodable { var value: Int }
        guard let row = try await sql.raw(nextNumber(day: day)).first(decoding: Row.self) else {
            throw KefuError(.internalServerError, "number_failed", "无法生成工单编号")
        }
        return OrderNumber.make(day: day, sequence: row.value)
    }
}
