import Vapor
import Fluent
import KefuCore

/// One company's wallboard figures (R3.5, R11.2), also served as `GET /api/v1/live`.
struct LiveSnapshot: Content, Equatable {
    struct QueueFigures: Content, Equatable {
        var queue: String
        var waiting: Int
        var longestWaitSeconds: Int
        var answered: Int
        var abandoned: Int
        var serviceLevel: Double?
        var serviceLevel2: Double?
        var answerRate: Double?
    }
    struct Emergency: Content, Equatable {
        var stage: Int
        var recommendation: String?
        var since: Date?
        var mode: String
        var recommendationId: String?
    }

    var at: Date
    /// Whose floor these figures are.
    var companyCode: String
    var companyName: String
    /// Set when the figures are one branch's calls (`?branch=CODE`); agents are the company's.
    var branchCode: String?
    var branchName: String?
    var waiting: Int
    var longestWaitSeconds: Int
    var agentsByState: [String: Int]
    var answeredToday: Int
    var abandonedToday: Int
    /// Asterisk's `servicelevelperf`: completed within the threshold / completed.
    var serviceLevel: Double?
    /// Asterisk's `servicelevelperf2`: abandoned within the threshold count as met.
    var serviceLevel2: Double?
    var answerRate: Double?
    var serviceLevelSeconds: Int
    var queues: [QueueFigures]
    var emergency: Emergency
    /// Only in `GET /api/v1/live` for someone who sees several companies and named none:
    /// every one of them, each a snapshot like this one (see `WallboardPages.live`).
    var companies: [LiveSnapshot]?

    init(live: LiveState, emergency state: EmergencyState, company: Company, branch: Branch? = nil, now: Date) {
        at = now
        companyCode = company.code
        companyName = company.name
        branchCode = branch?.code
        branchName = branch?.name
        let waitingByQueue = live.waitingCountByQueue
        waiting = waitingByQueue.values.reduce(0, +)
        longestWaitSeconds = Int(live.longestWait(at: now) ?? 0)
        agentsByState = live.agentCountsByState
        let today = live.todayTotals(at: now)
        answeredToday = today.answered
        abandonedToday = today.abandoned
        serviceLevel = today.serviceLevel
        serviceLevel2 = today.serviceLevel2
        answerRate = today.answerRate
        serviceLevelSeconds = live.configuration.serviceLevelSeconds
        let day = LocalDay(now, in: live.configuration.timeZone)
        let totals = live.totals(on: day)
        let names = Set(totals.keys).union(waitingByQueue.keys).sorted()
        queues = names.map { q in
            let t = totals[q] ?? QueueTotals()
            return QueueFigures(queue: q, waiting: waitingByQueue[q] ?? 0, longestWaitSeconds: Int(live.longestWait(at: now, in: q) ?? 0),
                                answered: t.answered, abandoned: t.abandoned, serviceLevel: t.serviceLevel,
                                serviceLevel2: t.serviceLevel2, answerRate: t.answerRate)
        }
        let status = state.status
        emergency = Emergency(stage: status.stage, recommendation: status.recommendation, since: status.since,
                              mode: state.mode.rawValue, recommendationId: state.open?.id)
    }

    /// Nulls are written out, so clients can tell "no figure yet" from a missing field.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(companyCode, forKey: .companyCode); try c.encode(companyName, forKey: .companyName)
        try c.encodeIfPresent(branchCode, forKey: .branchCode); try c.encodeIfPresent(branchName, forKey: .branchName)
        try c.encode(waiting, forKey: .waiting)
        try c.encode(longestWaitSeconds, forKey: .longestWaitSeconds); try c.encode(agentsByState, forKey: .agentsByState)
        try c.encode(answeredToday, forKey: .answeredToday); try c.encode(abandonedToday, forKey: .abandonedToday)
        try c.encode(serviceLevel, forKey: .serviceLevel); try c.encode(serviceLevel2, forKey: .serviceLevel2)
        try c.encode(answerRate, forKey: .answerRate); try c.encode(serviceLevelSeconds, forKey: .serviceLevelSeconds)
        try c.encode(queues, forKey: .queues); try c.encode(emergency, forKey: .emergency)
        try c.encodeIfPresent(companies, forKey: .companies)
    }

    /// `company`'s figures now, built from its own events only; with `branch`, that branch's
    /// calls (the emergency state stays the company's: it staffs the company's floor).
    static func current(_ app: Application, company: Company, branch: Branch? = nil, db: Database, now: Date) async throws -> LiveSnapshot {
        let id = try company.requireID()
        let live: LiveState
        if let branch {
            live = try await app.live.state(company: id, branch: try branch.requireID(), on: db, now: now)
        } else {
            live = try await app.live.state(company: id, on: db, now: now)
        }
        return LiveSnapshot(live: live, emergency: try await EmergencyCoordinator.state(company: id, on: db), company: company,
                            branch: branch, now: now)
    }
}

extension LiveSnapshot.Emergency {
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stage, forKey: .stage); try c.encode(recommendation, forKey: .recommendation)
        try c.encode(since, forKey: .since); try c.encode(mode, forKey: .mode); try c.encode(recommendationId, forKey: .recommendationId)
    }
}

extension LiveSnapshot.QueueFigures {
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(queue, forKey: .queue); try c.encode(waiting, forKey: .waiting)
        try c.encode(longestWaitSeconds, forKey: .longestWaitSeconds); try c.encode(answered, forKey: .answered)
        try c.encode(abandoned, forKey: .abandoned); try c.encode(serviceLevel, forKey: .serviceLevel)
        try c.encode(serviceLevel2, forKey: .serviceLevel2); try c.encode(answerRate, forKey: .answerRate)
    }
}
