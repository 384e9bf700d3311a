import Vapor
import Fluent
import KefuCore

/// Loading a campaign's customers: CSV, a JSON list or a saved query of closed orders, bad
/// numbers named, repeats and do-not-call numbers skipped.
extension OutboundDesk {
    struct TargetRow: Sendable { var line: Int; var name: String; var phone: String; var note: String; var customerID: UUID? = nil; var orderID: UUID? = nil }
    struct LineProblem: Content { var line: Int; var message: String }
    struct AddResult: Content { var added: Int; var duplicates: Int; var doNotCall: Int; var problems: [LineProblem] }

    static let maxTargets = 50_000

    /// `姓名,电话,备注` (or name, phone, note), one customer a line, the header first.
    static func csvRows(_ text: String) -> (rows: [TargetRow], problems: [LineProblem]) {
        let records = CSVRecords.parse(text)
        guard let header = records.first else { return ([], [LineProblem(line: 1, message: "文件为空：第一行须为表头（姓名,电话,备注）")]) }
        let columns = CSVColumns(header: header, columns: [("name", ["name", "姓名", "客户", "客户姓名"]), ("phone", ["phone", "电话", "手机", "联系电话"]),
                                                           ("note", ["note", "备注", "说明"])])
        guard columns.has("phone") else { return ([], [LineProblem(line: header.line, message: "表头须含“电话”列（或 phone）")]) }
        return (records.dropFirst().map { r in
            TargetRow(line: r.line, name: columns.value("name", in: r) ?? "", phone: columns.value("phone", in: r) ?? "", note: columns.value("note", in: r) ?? "")
        }, [])
    }

    struct OrdersQuery: Content {
        /// complaint, fault …; nil: every type.
        var type: String?
        var closedFrom: String?
        var closedTo: String?
    }

    /// A saved query of orders as targets, e.g. complaints closed last week: one target per
    /// customer, about their latest order.
    func orderRows(_ q: OrdersQuery) async throws -> [TargetRow] {
        guard let from = LocalDay(q.closedFrom ?? ""), let to = LocalDay(q.closedTo ?? ""), from <= to, to < from.adding(days: 366) else {
            throw KefuError.invalid([.init(field: "orders.closedFrom", message: "请写明关闭日期范围（closedFrom、closedTo：YYYY-MM-DD，一年以内）")])
        }
        let query = tenant.query(WorkOrder.self).filter(\.$status == WorkOrderStatus.closed.rawValue)
            .filter(\.$closedAt >= from.start(in: timeZone)).filter(\.$closedAt < to.adding(days: 1).start(in: timeZone))
        if let t = q.type {
            guard WorkOrderType(rawValue: t) != nil else { throw KefuError.invalid([.init(field: "orders.type", message: "未知的工单类型：\(t)")]) }
            query.filter(\.$type == t)
        }
        let orders = try await query.sort(\.$closedAt, .descending).limit(Self.maxTargets).all()
        let customers = try await tenant.query(Customer.self, ids: Array(Set(orders.map { $0.$customer.id }))).all()
        let byID = Dictionary(customers.compactMap { c in c.id.map { ($0, c) } }, uniquingKeysWith: { a, _ in a })
        var seen = Set<UUID>()
        return orders.enumerated().compactMap { i, o in
            guard seen.insert(o.$customer.id).inserted, let c = byID[o.$customer.id] else { return nil }
            return TargetRow(line: i + 1, name: c.name, phone: c.phone, note: "\(o.number) \(o.subject)", customerID: c.id, orderID: o.id)
        }
    }

    /// Adds targets to a campaign: bad numbers named by line, numbers already in the campaign
    /// and numbers on the do-not-call list skipped (and counted). One transaction.
    func addTargets(_ c: OutboundCampaign, _ rows: [TargetRow]) async throws -> AddResult {
        guard !c.closed else { throw KefuError.conflict("campaign_closed", "活动「\(c.name)」已结束，不能再添加客户。") }
        let campaignID = try c.requireID()
        var problems: [LineProblem] = []
        var clean: [TargetRow] = []
        for var r in rows {
            if !Validation.isValidPhone(r.phone) { problems.append(LineProblem(line: r.line, message: "电话「\(r.phone.prefix(30))」不是有效号码")); continue }
            if let p = Validation.checkLine(r.name.isEmpty ? "客户" : r.name, field: "name", label: "姓名", max: 60) { problems.append(LineProblem(line: r.line, message: p.message)); continue }
            if let p = Validation.checkText(r.note, field: "note", label: "备注", max: 200, required: false) { problems.append(LineProblem(line: r.line, message: p.message)); continue }
            r.phone = Validation.normalizePhone(r.phone)
            clean.append(r)
        }
        if problems.count > 0 && clean.isEmpty && !rows.isEmpty { throw KefuError.invalid(problems.prefix(10).map { .init(field: "line \($0.line)", message: $0.message) }) }
        let existing = try await tenant.query(OutboundTargetRecord.self).filter(\.$campaignID == campaignID).count()
        guard existing + clean.count <= Self.maxTargets else {
            throw KefuError.invalid([.init(field: "targets", message: "一个活动至多 \(Self.maxTargets) 位客户（已有 \(existing)）")])
        }
        let (company, actor, now) = (c.companyID, actor, now)
        return try await tenant.db.writeTransaction { [tenant, clean, problems] tx in
            let data = tenant.on(tx)
            let have = Set(try await data.query(OutboundTargetRecord.self).filter(\.$campaignID == campaignID).all(\.$phone))
            let blocked = Set(try await data.query(DoNotCallNumber.self).filter(\.$companyID == company).all(\.$phone))
            let customers = try await data.query(Customer.self).filter(\.$companyID == company).filter(\.$phone ~~ clean.map(\.phone)).all()
            var seen = have
            var result = AddResult(added: 0, duplicates: 0, doNotCall: 0, problems: problems)
            var position = try await data.query(OutboundTargetRecord.self).filter(\.$campaignID == campaignID).max(\.$position) ?? 0
            for r in clean {
                if blocked.contains(r.phone) { result.doNotCall += 1; continue }
                guard seen.insert(r.phone).inserted else { result.duplicates += 1; continue }
                position += 1
                let t = OutboundTargetRecord()
                t.companyID = company; t.campaignID = campaignID; t.position = position
                let customer = customers.first { $0.phone == r.phone }
                t.name = r.name.isEmpty ? (customer?.name ?? "客户") : r.name; t.phone = r.phone; t.note = r.note
                t.customerID = r.customerID ?? customer?.id; t.workOrderID = r.orderID
                t.status = .pending; t.attempts = 0; t.addedAt = now
                try await t.create(on: tx)
                result.added += 1
            }
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now).audit(
                action: "outbound.targets_added", objectType: "outbound_campaign", objectId: campaignID.uuidString,
                after: "添加 \(result.added)，重复 \(result.duplicates)，免打扰 \(result.doNotCall)，有误 \(problems.count)")
            return result
        }
    }
}
