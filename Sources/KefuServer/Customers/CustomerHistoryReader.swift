import Fluent
import SQLKit
import Vapor
import KefuCore

/// A customer's one history (R5.1) — orders, callbacks, calls, chats and QC contacts, in
/// time order — as one reader may see it: orders through their order scope (a liaison's
/// department's only), the other kinds as `CustomerHistory.kinds(for:)` allows, QC contacts
/// of other agents only for those who review them. Calls and chats are found by the
/// customer's numbers in the spellings a switch or a web form stores (`phoneSpellings`).
struct CustomerHistoryReader {
    let scope: OrderScope
    let user: User
    /// A visit is due on a local day: placed at that day's start in the center's zone.
    let timeZone: TimeZone

    static let defaultLimit = 50

    func entries(of customer: Customer, limit: Int = Self.defaultLimit) async throws -> [CustomerHistoryEntry] {
        let kinds = CustomerHistory.kinds(for: user.roleValue)
        let customerID = try customer.requireID()
        var out: [CustomerHistoryEntry] = []

        let orders = try await scope.orders().filter(\.$customer.$id == customerID).sort(\.$createdAt, .descending).limit(limit).all()
        for o in orders {
            let href = "/work-orders/\(o.number)"
            out.append(.init(kind: .order, at: o.createdAt, title: "\(o.number) \(o.subject)", detail: "\(o.typeValue.label) · \(o.statusValue.label)", href: href))
        }
        if kinds.contains(.callback), !orders.isEmpty {
            let byID = Dictionary(orders.compactMap { o in o.id.map { ($0, o) } }, uniquingKeysWith: { a, _ in a })
            let callbacks = try await CallbackRecord.query(on: scope.db).filter(\.$workOrder.$id ~~ Array(byID.keys))
                .sort(\.$createdAt, .descending).limit(limit).all()
            for c in callbacks {
                let order = byID[c.$workOrder.id]
                let result = c.reached ? "已联系" + (c.satisfaction.map { "，满意度 \($0)" } ?? "") : "未联系上"
                out.append(.init(kind: .callback, at: c.createdAt, title: "回访 \(order?.number ?? "")", detail: "\(c.byWorkId) 号 · \(result)",
                                 href: order.map { "/work-orders/\($0.number)" }))
            }
        }
        if kinds.contains(.visit) {
            // Follow-up visits (R5.3), on the day they were due, with their outcome once done.
            for v in try await scope.tenant.query(CustomerVisit.self).filter(\.$customerID == customerID).sort(\.$dueOn, .descending).limit(limit).all() {
                let at = v.doneAt ?? LocalDay(v.dueOn).map { $0.start(in: timeZone) } ?? v.createdAt
                out.append(.init(kind: .visit, at: at, title: "拜访：\(v.purpose)", detail: "\(v.ownerWorkId) 号 · " + (v.outcome ?? "待拜访")))
            }
        }
        let extra = try await scope.tenant.query(CustomerContact.self).filter(\.$customerID == customerID).filter(\.$kind == .phone).all().map(\.value)
        let spellings = ([customer.phone] + (customer.phone2.map { [$0] } ?? []) + extra).filter { !$0.isEmpty }.flatMap(Validation.phoneSpellings)
        var callIDs: [String] = []
        if kinds.contains(.call) || kinds.contains(.qcContact), !spellings.isEmpty {
            let events = try await callEvents(callers: spellings, company: customer.companyID, limit: limit)
            callIDs = Array(Set(events.map(\.callId)))
            if kinds.contains(.call) { out += CustomerHistory.calls(events) }
        }
        var chatContacts: [UUID] = []
        if kinds.contains(.chat) || kinds.contains(.qcContact), !spellings.isEmpty {
            let chats = try await scope.tenant.query(Chat.self).filter(\.$companyID == customer.companyID)
                .filter(\.$customerPhone ~~ spellings).sort(\.$startedAt, .descending).limit(limit).all()
            chatContacts = chats.compactMap(\.contactId)
            if kinds.contains(.chat) {
                for c in chats {
                    out.append(.init(kind: .chat, at: c.startedAt, title: "在线会话 · \(c.customerName)",
                                     detail: c.agentWorkId.map { "\($0) 号接待" } ?? "未接待"))
                }
            }
        }
        if !callIDs.isEmpty || !chatContacts.isEmpty {
            let contacts = try await scope.tenant.query(Contact.self).filter(\.$companyID == customer.companyID)
                .group(.or) { g in
                    if !callIDs.isEmpty { g.filter(\.$externalId ~~ callIDs) }
                    if !chatContacts.isEmpty { g.filter(\.$id ~~ chatContacts) }
                }
                .field(\.$id).field(\.$companyID).field(\.$externalId).field(\.$channel).field(\.$agentWorkId).field(\.$startedAt)
                .field(\.$autoScore).field(\.$finalScore).limit(limit).all()
            let reviewsAll = kinds.contains(.qcContact)
            for c in contacts where reviewsAll || (c.agentWorkId != nil && c.agentWorkId == user.workId) {
                let score = c.finalScore.map { "复核 \($0) 分" } ?? "自动 \(c.autoScore) 分"
                out.append(.init(kind: .qcContact, at: c.startedAt, title: "质检 \(c.externalId)", detail: "\(c.agentWorkId ?? "—") 号 · \(score)",
                                 href: c.id.map { "/qa/contacts/\($0.uuidString)" }))
            }
        }
        return CustomerHistory.merge(out, limit: limit)
    }

    /// The customer's most recent calls (by caller number) and every event of them.
    private func callEvents(callers: [String], company: UUID, limit: Int) async throws -> [CustomerHistory.CallEvent] {
        struct Row: Decodable { var call_id: String; var type: String; var at: Date; var agent_work_id: String?; var queue: String? }
        let sql = try scope.db.sql()
        let scoped = OrderScope.companyPredicate(scope.tenant.scope, table: "cti_events")
            ?? SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("1"))
        let rows = try await sql.raw("""
            SELECT call_id, type, at, agent_work_id, queue FROM cti_events
            WHERE company_id = \(bind: company) AND \(scoped) AND call_id IN (
                SELECT call_id FROM cti_events WHERE company_id = \(bind: company) AND caller IN \(SQLBind.group(callers))
                AND call_id IS NOT NULL ORDER BY at DESC LIMIT \(unsafeRaw: String(limit)))
            """).all(decoding: Row.self)
        return rows.map { .init(callId: $0.call_id, type: $0.type, at: $0.at, agentWorkId: $0.agent_work_id, queue: $0.queue) }
    }
}
