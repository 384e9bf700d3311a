import Fluent
import Vapor
import KefuCore

/// A published report (R10.1 scheduled reports): the week's on Monday morning, the month's
/// on the 1st, per company, kept as it was made. An order edited later changes the rollups,
/// never a snapshot: last month's figures stay what was reported last month.
final class ReportSnapshot: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "report_snapshots"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "kind") var kind: ReportPeriod
    @Field(key: "from_day") var fromDay: String
    @Field(key: "to_day") var toDay: String
    /// `ReportSnapshots.Body` as JSON.
    @Field(key: "body") var body: String
    @Field(key: "generated_at") var generatedAt: Date

    init() {}
}

enum ReportSnapshots {
    /// What a snapshot keeps: the report by each grouping, as the API gives it.
    struct Body: Codable {
        var groupings: [String: ReportAPI.ReportDTO]
    }

    static let kinds: [ReportPeriod] = [.week, .month]
    static func claim(_ kind: ReportPeriod) -> PeriodicClaim {
        PeriodicClaim(doneKey: "reports.snapshot_\(kind.rawValue)", claimKey: "reports.snapshot_\(kind.rawValue)_claim")
    }

    /// The period a kind publishes on `today`: the week or month just ended (from 06:00 on
    /// Monday or the 1st, so the night shift's orders are in).
    static func due(_ kind: ReportPeriod, now: Date, timeZone: TimeZone) -> ClosedRange<LocalDay> {
        let day = LocalDay(now.addingTimeInterval(-6 * 3600), in: timeZone)
        return kind.previous(before: day)
    }

    /// The sweeper's step: each company's week and month snapshots, once across processes.
    static func generateIfDue(db: Database, now: Date, timeZone: TimeZone, logger: Logger) async throws {
        for company in try await CompanySettings.companyIDs(on: db) {
            for kind in kinds {
                let range = due(kind, now: now, timeZone: timeZone)
                let period = range.lowerBound.description
                guard try await claim(kind).claim(period, company: company, on: db, now: now) else { continue }
                try await generate(kind, range: range, company: company, db: db, now: now, timeZone: timeZone)
                try await CompanySettings.set(claim(kind).doneKey, period, company: company, on: db)
                logger.info("report snapshot \(kind.rawValue) \(range.lowerBound)…\(range.upperBound) of company \(company) published")
            }
        }
    }

    /// Makes one snapshot (the sweeper's, or an admin's for a past period); one per company,
    /// kind and period: asked again, the one kept is returned.
    @discardableResult
    static func generate(_ kind: ReportPeriod, range: ClosedRange<LocalDay>, company: UUID, db: Database, now: Date, timeZone: TimeZone) async throws -> ReportSnapshot {
        let tenant = TenantData(scope: .companies([company]), db: db)
        if let kept = try await tenant.query(ReportSnapshot.self).filter(\.$kind == kind).filter(\.$fromDay == range.lowerBound.description).first() {
            return kept
        }
        let reports = OrderReports(tenant: tenant, timeZone: timeZone)
        var body = Body(groupings: [:])
        for grouping in OrderReportGrouping.allCases where grouping != .day {
            body.groupings[grouping.rawValue] = ReportAPI.dto(try await reports.report(range, groupBy: grouping, filter: TenantFilter()))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let s = ReportSnapshot()
        s.id = UUID(); s.companyID = company; s.kind = kind; s.fromDay = range.lowerBound.description; s.toDay = range.upperBound.description
        s.body = String(decoding: try encoder.encode(body), as: UTF8.self); s.generatedAt = now
        try await s.create(on: db)
        return s
    }

    static func body(_ s: ReportSnapshot) throws -> Body {
        do { return try JSONDecoder().decode(Body.self, from: Data(s.body.utf8)) } catch {
            throw KefuError(.internalServerError, "stored_value_invalid", "\(s.fromDay) 的报表快照无法读取。")
        }
    }
}
