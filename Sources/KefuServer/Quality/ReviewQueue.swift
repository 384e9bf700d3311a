import Vapor
import Fluent
import KefuCore

/// The QC inspector's queue (R2.10): appeals waiting for an answer, the lowest-scoring
/// contacts not yet reviewed, and a random sample of one contact per agent per shift, so
/// every agent on every shift is looked at, not only the worst calls.
struct ReviewQueue {
    struct Row: Encodable {
        var id: String; var externalId: String; var agent: String; var day: String; var shift: String
        var channel: String; var score: Int; var findings: Int; var status: String; var statusLabel: String
    }

    let db: Database
    let today: LocalDay

    static let sampleDays = 14

    func lowest(limit: Int = 20) async throws -> [Row] {
        let contacts = try await Contact.query(on: db).filter(\.$status == "scored")
            .sort(\.$autoScore, .ascending).sort(\.$startedAt, .descending).limit(limit).all()
        return try await rows(contacts)
    }

    /// One contact per (agent, day, shift) of the last two weeks that has no reviewed contact yet.
    /// The pick is the smallest UUID of the group: random, yet the same on every refresh.
    func sample(limit: Int = 50) async throws -> [Row] {
        let since = today.adding(days: -Self.sampleDays).description
        let recent = try await Contact.query(on: db).filter(\.$localDay >= since)
            .field(\.$id).field(\.$agentWorkId).field(\.$localDay).field(\.$shift).field(\.$status)
            .limit(20_000).all()
        var groups: [String: [Contact]] = [:]
        for c in recent { groups["\(c.agentWorkId ?? "")|\(c.localDay)|\(c.shift)", default: []].append(c) }
        var picked: [UUID] = []
        for (_, members) in groups where !members.contains(where: { $0.status != "scored" }) {
            if let pick = members.min(by: { $0.id!.uuidString < $1.id!.uuidString }) { picked.append(pick.id!) }
        }
        guard !picked.isEmpty else { return [] }
        let contacts = try await Contact.query(on: db).filter(\.$id ~~ picked)
            .sort(\.$localDay, .descending).sort(\.$agentWorkId).limit(limit).all()
        return try await rows(contacts)
    }

    func appealed() async throws -> [Row] {
        try await rows(Contact.query(on: db).filter(\.$status == "appealed").sort(\.$startedAt).limit(100).all())
    }

    func recentlyReviewed(limit: Int = 20) async throws -> [Row] {
        try await rows(Contact.query(on: db).filter(\.$status ~~ ["reviewed", "settled"]).sort(\.$reviewedAt, .descending).limit(limit).all())
    }

    func rows(_ contacts: [Contact]) async throws -> [Row] {
        guard !contacts.isEmpty else { return [] }
        let findings = try await QAFindingRecord.query(on: db).filter(\.$contact.$id ~~ contacts.map { $0.id! })
            .filter(\.$state != "rejected").field(\.$contact.$id).all()
        var count: [UUID: Int] = [:]
        for f in findings { count[f.$contact.id, default: 0] += 1 }
        return contacts.map { c in
            Row(id: c.id!.uuidString, externalId: c.externalId, agent: c.agentWorkId ?? "—", day: c.localDay,
                shift: ShiftSlot(rawValue: c.shift)?.label ?? c.shift, channel: QualityLabels.channel(c.channel),
                score: c.effectiveScore, findings: count[c.id!] ?? 0, status: c.status, statusLabel: QualityLabels.status(c.status))
        }
    }
}
