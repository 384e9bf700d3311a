import Vapor
import KefuCore

/// `GET /api/v1/reports/orders` (R10.1): a period's orders grouped by type, channel, branch,
/// department, priority or day, with the first-contact, SLA, escalation and reopen counts and
/// the callbacks' satisfaction sample.
struct ReportAPI {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.reportsRead).get("reports", "orders", use: orders)
    }

    struct Query: Content {
        var from: String?
        var to: String?
        var groupBy: String?
        var company: String?
        var branch: String?
    }

    struct GroupDTO: Content {
        var key: String
        var label: String
        var count: Int
        var closed: Int
        var firstContactResolved: Int
        var slaMet: Int
        var slaBreached: Int
        var escalated: Int
        var reopened: Int
        var duplicates: Int

        init(_ row: OrderReports.Row) {
            let t = row.totals
            key = row.key; label = row.label; count = t.count; closed = t.closed; firstContactResolved = t.firstContactResolved
            slaMet = t.slaMet; slaBreached = t.slaBreached; escalated = t.escalated; reopened = t.reopened; duplicates = t.duplicates
        }
    }

    struct SatisfactionDTO: Content {
        var sampled: Int
        var average: Double?

        /// `average` is written as `null` when nobody was asked, never left out.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(sampled, forKey: .sampled)
            if let average { try c.encode((average * 100).rounded() / 100, forKey: .average) } else { try c.encodeNil(forKey: .average) }
        }
    }

    struct ReportDTO: Content {
        var from: String
        var to: String
        var groupBy: String
        var total: Int
        var groups: [GroupDTO]
        var satisfaction: SatisfactionDTO
    }

    static func dto(_ r: OrderReports.Result) -> ReportDTO {
        ReportDTO(from: r.range.lowerBound.description, to: r.range.upperBound.description, groupBy: r.grouping.rawValue, total: r.total.count,
                  groups: r.rows.map(GroupDTO.init), satisfaction: SatisfactionDTO(sampled: r.total.sampled, average: r.total.averageSatisfaction))
    }

    /// The range and grouping as asked, or a 422 naming the field.
    static func parse(_ q: Query) throws -> (ClosedRange<LocalDay>, OrderReportGrouping) {
        let range: ClosedRange<LocalDay>
        switch ReportPeriod.parse(from: q.from, to: q.to) {
        case .success(let r): range = r
        case .failure(let p): throw KefuError.invalid([.init(field: p.field, message: p.message)])
        }
        let raw = (q.groupBy ?? "").trimmingCharacters(in: .whitespaces)
        guard let grouping = raw.isEmpty ? .type : OrderReportGrouping(rawValue: raw) else {
            throw KefuError.invalid([.init(field: "groupBy", message: "groupBy 须为 " + OrderReportGrouping.allCases.map(\.rawValue).joined(separator: "、"))])
        }
        return (range, grouping)
    }

    func orders(req: Request) async throws -> ReportDTO {
        try req.refuseEmptyQuery("from", "to", "groupBy", "company", "branch")
        let q = try req.query.decode(Query.self)
        let (range, grouping) = try Self.parse(q)
        let tenant = try await req.tenant()
        let filter = try await TenantFilter.resolve(company: q.company, branch: q.branch, tenant: tenant)
        return Self.dto(try await OrderReports(tenant: tenant, timeZone: req.kefu.settings.timeZone).report(range, groupBy: grouping, filter: filter))
    }
}
