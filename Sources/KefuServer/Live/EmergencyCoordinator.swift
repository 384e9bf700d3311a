import Vapor
import Fluent
import KefuCore

/// Runs the staged emergency staffing engine (R3.4) against one company's live floor and
/// keeps its state in the database, so a restart or a second process carries on the same
/// timing. Called by the scheduler every few seconds for every company
/// (`tickEveryCompany`) and when the simulated clock is advanced; the engine itself never
/// reads a clock. Policy, state and group roster are the company's own (`CompanySettings`),
/// and so are the supervisors counted and the notices sent (R11.2).
struct EmergencyCoordinator {
    let app: Application
    let db: Database
    let company: UUID

    static let policyKey = "emergency.policy"
    static let stateKey = "emergency.state"
    static let rosterKey = "live.groups"

    static func policy(company: UUID, on db: Database) async throws -> EmergencyPolicy {
        guard let json = try await CompanySettings.get(policyKey, company: company, on: db),
              let p = try? JSONDecoder().decode(EmergencyPolicy.self, from: Data(json.utf8)) else { return .seedDefault }
        return p
    }

    static func state(company: UUID, on db: Database) async throws -> EmergencyState {
        guard let json = try await CompanySettings.get(stateKey, company: company, on: db),
              let s = try? Self.decoder.decode(EmergencyState.self, from: Data(json.utf8)) else { return EmergencyState() }
        return s
    }

    /// Who belongs to which group (R3.1): the shift lead keeps this list.
    static func roster(company: UUID, on db: Database) async throws -> [AgentGroup: [String]] {
        guard let json = try await CompanySettings.get(rosterKey, company: company, on: db),
              let r = try? JSONDecoder().decode([AgentGroup: [String]].self, from: Data(json.utf8)) else { return [:] }
        return r
    }

    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.dateEncodingStrategy = .iso8601; e.outputFormatting = [.sortedKeys]; return e }()
    static let decoder: JSONDecoder = { let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601; return d }()

    static func save(_ state: EmergencyState, company: UUID, on db: Database) async throws {
        try await CompanySettings.set(stateKey, String(decoding: try encoder.encode(state), as: UTF8.self), company: company, on: db)
    }

    static func saveRoster(_ roster: [AgentGroup: [String]], company: UUID, on db: Database) async throws {
        try await CompanySettings.set(rosterKey, String(decoding: try JSONEncoder().encode(roster), as: UTF8.self), company: company, on: db)
    }

    /// One observation for every company; true when any board should be redrawn.
    static func tickEveryCompany(_ app: Application, db: Database, now: Date) async throws -> Bool {
        var changed = false
        for company in try await CompanySettings.companyIDs(on: db) {
            let d = try await EmergencyCoordinator(app: app, db: db, company: company).tick(now: now)
            if d.isNew || d.withdrawn != nil || d.appliedAutomatically { changed = true }
        }
        return changed
    }

    /// After the simulated clock jumps, every company's observations as real time would have made them.
    static func catchUpEveryCompany(_ app: Application, db: Database, from start: Date, to end: Date) async throws {
        for company in try await CompanySettings.companyIDs(on: db) {
            try await EmergencyCoordinator(app: app, db: db, company: company).catchUp(from: start, to: end)
        }
    }

    /// What the engine sees now.
    func observation(now: Date, live: LiveState, state: EmergencyState, on db: Database) async throws -> EmergencyObservation {
        let roster = try await Self.roster(company: company, on: db)
        let onDuty = Set(live.agents.values.filter { $0.state.isSignedIn }.map(\.workId))
        var available: [AgentGroup: Int] = [:]
        for (group, members) in roster where group != .inbound {
            // Members already pulled in by an applied step answer inbound already.
            let pulled = state.applied.filter { $0.action.groups.contains(group) }.reduce(0) { $0 + $1.action.seats }
            available[group] = max(0, members.count - pulled)
        }
        let supervisors = try await TenantData(scope: .companies([company]), db: db).query(User.self)
            .filter(\.$role ~~ ["shift_lead", "team_lead"]).filter(\.$active == true).all()
            .filter { onDuty.contains($0.workId) }.count
        let waiting = live.waitingCountByQueue.values.reduce(0, +)
        return EmergencyObservation(now: now, waiting: waiting, available: available, supervisorsOnDuty: max(1, supervisors),
                                    seatsInUse: onDuty.count)
    }

    /// One observation: persists the new state and audits what changed.
    @discardableResult
    func tick(now: Date) async throws -> EmergencyDecision {
        let live = try await app.live.state(company: company, on: db, now: now)
        let engine = EmergencyEngine(policy: try await Self.policy(company: company, on: db))
        let company = self.company
        return try await db.writeTransaction { tx in
            let state = try await Self.state(company: company, on: tx)
            let decision = engine.observe(try await self.observation(now: now, live: live, state: state, on: tx), state: state)
            if decision.state != state { try await Self.save(decision.state, company: company, on: tx) }
            let history = History(db: tx, actorWorkId: decision.appliedAutomatically ? "auto" : nil, ip: nil, now: now)
            if let w = decision.withdrawn {
                try await history.audit(action: "emergency.withdrawn", objectType: "emergency", objectId: String(w.stageNumber), after: w.reason)
            }
            if let r = decision.recommendation, decision.isNew || decision.appliedAutomatically {
                try await history.audit(action: decision.appliedAutomatically ? "emergency.applied_automatically" : "emergency.recommended",
                                        objectType: "emergency", objectId: String(r.stageNumber), after: r.reason)
                if decision.appliedAutomatically { try await Self.notify(r, company: company, on: tx, now: now) }
                else {
                    let note = KefuNotification(recipientWorkId: nil, recipientRole: "shift_lead", workOrderID: nil,
                                                message: "应急调度建议：" + r.reason, createdAt: now)
                    note.companyID = company
                    try await note.create(on: tx)
                }
            }
            return decision
        }
    }

    /// The shift lead's click on the open recommendation.
    func apply(recommendationId: String, seats: Int?, by user: User, now: Date) async throws {
        let engine = EmergencyEngine(policy: try await Self.policy(company: company, on: db))
        let company = self.company
        try await db.writeTransaction { tx in
            let state = try await Self.state(company: company, on: tx)
            guard let open = state.open, open.id == recommendationId else {
                throw KefuError.conflict("recommendation_gone", "该建议已失效（排队情况已变化），请刷新页面查看最新建议。")
            }
            let next: EmergencyState
            do { next = try engine.apply(open, to: state, at: now, by: user.workId, seats: seats) } catch let e as EmergencyError {
                throw KefuError.invalid([.init(field: "seats", message: e.message)])
            }
            try await Self.save(next, company: company, on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "emergency.applied", objectType: "emergency", objectId: String(open.stageNumber),
                       after: open.reason + (seats.map { "（实调 \($0) 人）" } ?? ""))
            try await Self.notify(open, company: company, on: tx, now: now)
        }
        try await tick(now: now)
    }

    func setMode(_ mode: EmergencyMode, by user: User, now: Date) async throws {
        let company = self.company
        try await db.writeTransaction { tx in
            var state = try await Self.state(company: company, on: tx)
            let before = state.mode
            state.mode = mode
            try await Self.save(state, company: company, on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "emergency.mode", objectType: "emergency", objectId: nil, before: before.rawValue, after: mode.rawValue)
        }
    }

    /// Agents being pulled in (or released) see a notice on their workspace.
    static func notify(_ r: EmergencyRecommendation, company: UUID, on db: Database, now: Date) async throws {
        let roster = try await roster(company: company, on: db)
        let members = Set(r.action.groups.flatMap { roster[$0] ?? [] })
        for m in members.sorted() {
            let note = KefuNotification(recipientWorkId: m, recipientRole: nil, workOrderID: nil, message: r.agentNotice, createdAt: now)
            note.companyID = company
            try await note.create(on: db)
        }
    }

    /// After the simulated clock jumps, observe as real time would have: every 15 s of the jump.
    func catchUp(from start: Date, to end: Date) async throws {
        var t = start.addingTimeInterval(15)
        var steps = 0
        while t < end && steps < 2_000 {
            try await tick(now: t)
            t = t.addingTimeInterval(15); steps += 1
        }
        try await tick(now: end)
    }
}
