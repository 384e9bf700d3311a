import Fluent
import SQLKit
import Vapor
import KefuCore

/// Keeps the telephony KPIs' rollups exact (R10.3): folds again every local day an owed
/// hour touches (`TelephonyLedger`, the wallboard's own fold) and replaces that day's rows.
/// An hour owes the day it lies in and the day it closes (time still open at midnight is
/// booked by the day it belongs to); a day still under way is owed again at its end, and a
/// late event also owes the next day, whose calls and agents it set the scene for.
struct CallRollups {
    let db: Database
    let configuration: LiveConfiguration
    let now: Date

    static let batch = 2_000
    /// How far before a day its fold starts reading calls (a call waiting or talking across
    /// midnight) and agents' own events (an agent signed in before midnight).
    static let callScene: TimeInterval = 4 * 3600
    static let agentScene: TimeInterval = 24 * 3600

    struct Mark: Decodable { var company_id: UUID; var hour: Int64; var version: Int }
    struct DayKey: Hashable, Comparable {
        var company: UUID; var day: LocalDay
        static func < (a: DayKey, b: DayKey) -> Bool { (a.day, a.company.uuidString) < (b.day, b.company.uuidString) }
    }

    /// Brings every owed hour up to date; returns how many days were folded.
    @discardableResult
    func catchUp() async throws -> Int {
        let sql = try db.sql()
        let zone = configuration.timeZone
        let currentHour = Int64((now.timeIntervalSince1970 / 3600).rounded(.down))
        var folded = 0
        while true {
            let marks = try await sql.select().columns("company_id", "hour", "version").from("report_dirty_call_hours")
                .where("hour", .lessThanOrEqual, SQLBind(currentHour)).orderBy("hour").limit(Self.batch).all(decoding: Mark.self)
            guard !marks.isEmpty else { return folded }
            var days: Set<DayKey> = []
            for m in marks {
                let start = Date(timeIntervalSince1970: Double(m.hour) * 3600)
                for instant in [start.addingTimeInterval(-1), start, start.addingTimeInterval(3599)] {
                    days.insert(DayKey(company: m.company_id, day: LocalDay(instant, in: zone)))
                }
            }
            for key in days where !days.contains(DayKey(company: key.company, day: key.day.adding(days: 1))) {
                let next = key.day.adding(days: 1)
                if try await hasEvents(key.company, next) { days.insert(DayKey(company: key.company, day: next)) }
            }
            for key in days.sorted() where key.day.start(in: zone) <= now {
                try await fold(key)
                folded += 1
            }
            for chunk in stride(from: 0, to: marks.count, by: 300).map({ Array(marks[$0..<min($0 + 300, marks.count)]) }) {
                let triples = chunk.map { SQLGroupExpression([SQLBind($0.company_id), SQLBind($0.hour), SQLBind($0.version)]) as any SQLExpression }
                try await sql.delete(from: "report_dirty_call_hours")
                    .where(SQLBinaryExpression(SQLGroupExpression([SQLColumn("company_id"), SQLColumn("hour"), SQLColumn("version")]), .in,
                                               SQLGroupExpression(triples))).run()
            }
            if marks.count < Self.batch { return folded }
        }
    }

    private func hasEvents(_ company: UUID, _ day: LocalDay) async throws -> Bool {
        let zone = configuration.timeZone
        struct One: Decodable { var seq: Int64 }
        return try await db.sql().select().column("seq").from("cti_events").where("company_id", .equal, SQLBind(company))
            .where("at", .greaterThanOrEqual, SQLBind(day.start(in: zone))).where("at", .lessThan, SQLBind(day.adding(days: 1).start(in: zone)))
            .limit(1).first(decoding: One.self) != nil
    }

    /// The events a day's fold reads, in (at, arrival) order: the day, the calls' scene and
    /// the agents' own events of the day before.
    static func events(of key: DayKey, zone: TimeZone, db: Database) async throws -> [CTIEvent] {
        let start = key.day.start(in: zone), end = key.day.adding(days: 1).start(in: zone)
        let agentTypes = AgentEventType.allCases.map(\.rawValue)
        let early = try await slice(key.company, from: start.addingTimeInterval(-agentScene), to: start.addingTimeInterval(-callScene),
                                    types: agentTypes, db: db)
        return early + (try await slice(key.company, from: start.addingTimeInterval(-callScene), to: end, types: nil, db: db))
    }

    /// What the fold reads of each event, and no more: tens of thousands of rows a day.
    struct EventRow: Decodable {
        var event_id: String; var type: String; var at: Date; var call_id: String?; var queue: String?
        var caller: String?; var agent_work_id: String?; var reason: String?
    }

    static func slice(_ company: UUID, from: Date, to: Date, types: [String]?, db: Database) async throws -> [CTIEvent] {
        var query = try db.sql().select().columns("event_id", "type", "at", "call_id", "queue", "caller", "agent_work_id", "reason")
            .from("cti_events").where("company_id", .equal, SQLBind(company))
            .where("at", .greaterThanOrEqual, SQLBind(from)).where("at", .lessThan, SQLBind(to))
        if let types { query = query.where("type", .in, SQLBind.group(types)) }
        return try await query.orderBy("at").orderBy("seq").all(decoding: EventRow.self).compactMap { r in
            CTIEventType(rawValue: r.type).map {
                CTIEvent(id: r.event_id, type: $0, at: r.at, callId: r.call_id, queue: r.queue, caller: r.caller, agentWorkId: r.agent_work_id, reason: r.reason)
            }
        }
    }

    /// One day's ledger: what its rows hold, and (for the list behind a figure) its calls.
    static func ledger(of key: DayKey, configuration: LiveConfiguration, now: Date, db: Database, keepsRecords: Bool = false) async throws -> TelephonyLedger {
        let zone = configuration.timeZone
        let start = key.day.start(in: zone), end = key.day.adding(days: 1).start(in: zone)
        var ledger = TelephonyLedger(configuration: configuration, countFrom: start, countUntil: end, keepsRecords: keepsRecords)
        ledger.apply(try await events(of: key, zone: zone, db: db))
        ledger.finish(at: min(end, now))
        return ledger
    }

    private func fold(_ key: DayKey) async throws {
        let zone = configuration.timeZone
        let end = key.day.adding(days: 1).start(in: zone)
        let ledger = try await Self.ledger(of: key, configuration: configuration, now: now, db: db)
        let owner = key.day.description
        var agentDays: [String: AgentTimeFigures] = [:]
        var floor: [TelephonySlot: AgentTimeFigures] = [:]
        for (k, f) in ledger.agents {
            agentDays[k.workId, default: AgentTimeFigures()] = agentDays[k.workId, default: AgentTimeFigures()] + f
            floor[k.slot, default: AgentTimeFigures()] = floor[k.slot, default: AgentTimeFigures()] + f
        }
        let queues = ledger.queues.sorted { ($0.key.slot, $0.key.queue) < ($1.key.slot, $1.key.queue) }
        let agents = agentDays.sorted { $0.key < $1.key }
        let slots = floor.sorted { $0.key < $1.key }
        try await db.writeTransaction { tx in
            let sql = try tx.sql()
            if sql.dialect.name == "postgresql" { try await sql.raw("SELECT pg_advisory_xact_lock(hashtext('kefu-call-rollups'))").run() }
            for table in ["report_call_slots", "report_agent_days", "report_floor_slots"] {
                try await sql.delete(from: table).where("company_id", .equal, SQLBind(key.company)).where("owner_day", .equal, SQLBind(owner)).run()
            }
            for chunk in stride(from: 0, to: queues.count, by: 200).map({ Array(queues[$0..<min($0 + 200, queues.count)]) }) {
                let insert = sql.insert(into: "report_call_slots").columns(
                    "company_id", "owner_day", "day", "minute", "weekday", "queue", "enqueued", "answered", "answered_in_sl", "completed",
                    "completed_in_sl", "abandoned", "abandoned_in_sl", "voicemail", "wait_seconds", "talk_seconds", "wrap_seconds",
                    "agent_talk_seconds", "agent_idle_seconds")
                for (k, f) in chunk {
                    let t = f.totals
                    insert.values(SQLBind(key.company), SQLBind(owner), SQLBind(k.slot.day.description), SQLBind(k.slot.minute), SQLBind(k.slot.weekday),
                                  SQLBind(k.queue), SQLBind(t.enqueued), SQLBind(t.answered), SQLBind(t.answeredWithinThreshold), SQLBind(t.completed),
                                  SQLBind(t.completedWithinThreshold), SQLBind(t.abandoned), SQLBind(t.abandonedWithinThreshold), SQLBind(t.voicemail),
                                  SQLBind(f.waitSeconds), SQLBind(f.talkSeconds), SQLBind(f.wrapSeconds),
                                  SQLBind(f.agentTalkSeconds), SQLBind(f.agentIdleSeconds))
                }
                try await insert.run()
            }
            for chunk in stride(from: 0, to: agents.count, by: 200).map({ Array(agents[$0..<min($0 + 200, agents.count)]) }) {
                let insert = sql.insert(into: "report_agent_days").columns("company_id", "owner_day", "day", "agent_work_id", "answered", "completed",
                                                                           "talk_seconds", "wrap_seconds", "idle_seconds", "not_ready_seconds")
                for (workId, f) in chunk {
                    insert.values(SQLBind(key.company), SQLBind(owner), SQLBind(owner), SQLBind(workId), SQLBind(f.answered), SQLBind(f.completed),
                                  SQLBind(f.talkSeconds), SQLBind(f.wrapSeconds), SQLBind(f.idleSeconds), SQLBind(f.notReadySeconds))
                }
                try await insert.run()
            }
            for chunk in stride(from: 0, to: slots.count, by: 200).map({ Array(slots[$0..<min($0 + 200, slots.count)]) }) {
                let insert = sql.insert(into: "report_floor_slots").columns("company_id", "owner_day", "day", "minute", "weekday", "answered", "completed",
                                                                            "talk_seconds", "wrap_seconds", "idle_seconds", "not_ready_seconds")
                for (slot, f) in chunk {
                    insert.values(SQLBind(key.company), SQLBind(owner), SQLBind(slot.day.description), SQLBind(slot.minute), SQLBind(slot.weekday),
                                  SQLBind(f.answered), SQLBind(f.completed), SQLBind(f.talkSeconds), SQLBind(f.wrapSeconds), SQLBind(f.idleSeconds),
                                  SQLBind(f.notReadySeconds))
                }
                try await insert.run()
            }
            // A day still under way owes a fold at its end, for the time still running then.
            if end > now {
                let hour = Int64((end.timeIntervalSince1970 / 3600).rounded(.down))
                try await sql.raw("INSERT INTO report_dirty_call_hours (company_id, hour, version) VALUES (\(bind: key.company), \(bind: hour), 1) \(unsafeRaw: M041_CreateCallRollups.upsert)").run()
            }
        }
    }
}
