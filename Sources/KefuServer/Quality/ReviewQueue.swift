import Vapor
import Fluent
import KefuCore

/// The QC inspector's queue (R2.10): appeals waiting for an answer, the lowest-scoring
/// contacts not yet reviewed, and a random sample of one contact per agent per shift, so
/// every agent on every shift is looked at, not only the worst calls. Only contacts of the
/// companies in the reader's scope, narrowed by the page's company/branch filter.
struct ReviewQueue {
    struct Row: Encodable {
        var id: String; var externalId: String; var agent: String; var day: String; var shift: String
        var channel: String; var score: Int; var findings: Int; var status: String; var statusLabel: String
        var company: String; var branch: String
    }

    let tenant: TenantData
    let today: LocalDay
    var filter = TenantFilter()
    var labels = TenantLabels()

    static let sampleDays = 14

    /// Every query of the queue starts here: in scope, then the filter.
    func contacts() -> QueryBuilder<Contact> {
        let q = tenant.query(Contact.self)
        filter.apply(q)
        return q
    }

    func lowest(limit: Int = 20) async throws -> [Row] {
        let contacts = try await contacts().filter(\.$status == "scored")
            .sort(\.$autoScore, .ascending).sort(\.$startedAt, .descending).limit(limit).all()
        return try await rows(contacts)
    }

    /// One contact per (agent, day, shift) of the last two weeks that has no reviewed contact yet.
    /// The pick is the smallest UUID of the group: random, yet the same on every refresh.
    func sample(limit: Int = 50) async throws -> [Row] {
        let since = today.adding(days: -Self.sampleDays).description
        let recent = try await contacts().filter(\.$localDay >= since)
            .field(\.$id).field(\.$companyID).field(\.$agentWorkId).field(\.$localDay).field(\.$shift).field(\.$status)
            .limit(20_000).all()
        var groups: [String: [Contact]] = [:]
        for c in recent { groups["\(c.companyID)|\(c.agentWorkId ?? "")|\(c.localDay)|\(c.shift)", default: []].append(c) }
        var picked: [UUID] = []
        for (_, members) in groups where !members.contains(where: { $0.status != "scored" }) {
            if let pick = members.compactMap(\.id).min(by: { $0.uuidString < $1.uuidString }) { picked.append(pick) }
        }
        guard !picked.isEmpty else { return [] }
        let contacts = try await contacts().filter(\.$id ~~ picked)
            .sort(\.$localDay, .descending).sort(\.$agentWorkId).limit(limit).all()
        return try await rows(contacts)
    }

    func appealed() async throws -> [Row] {
        try await rows(contacts().filter(\.$status == "appealed").sort(\.$startedAt).limit(100).all())
    }

    func recentlyReviewed(limit: Int = 20) async throws -> [Row] {
        try await rows(contacts().filter(\.$status ~~ ["reviewed", "settled"]).sort(\.$reviewedAt, .descending).limit(limit).all())
    }

    /// Contacts already read in scope, as table rows with their count of findings.
    func rows(_ contacts: [Contact]) async throws -> [Row] {
        let ids = contacts.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let findings = try await QAFindingRecord.query(on: tenant.db).filter(\.$contact.$id ~~ ids)
            .filter(\.$state != "rejected").field(\.$contact.$id).all()
        var count: [UUID: Int] = [:]
        for f in findings { count[f.$contact.id, default: 0] += 1 }
        return contacts.compactMap { c in
            guard let id = c.id else { return nil }
            return Row(id: id.uuidString, externalId: c.externalId, agent: c.agentWorkId ?? "—", day: c.localDay,
                       shift: ShiftSlot(rawValue: c.shift)?.label ?? c.shift, channel: QualityLabels.channel(c.channel),
                       score: c.effectiveScore, findings: count[id] ?? 0, status: c.status, statusLabel: QualityLabels.status(c.status),
                       company: labels.companyName(c.companyID), branch: labels.branchName(c.branchID))
        }
    }
}
