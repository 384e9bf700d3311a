import Fluent
import Vapor
import KefuCore

/// Shift swaps (R4.5): an agent asks, the other agent consents, the lead approves, and only
/// then does the roster change — re-checked against every rule for both people. The state
/// machine is KefuCore's `ShiftSwap`; this keeps it in `shift_swaps` and audits each step.
/// A swap lives in its roster's company.
struct ShiftSwapService {
    let company: WorkforceCompany
    let timeZone: TimeZone
    var db: Database { company.db }
    var rosters: RosterService { RosterService(company: company, timeZone: timeZone) }

    enum Action: String { case accept, decline, cancel, approve, reject }

    /// The stored request as KefuCore's swap. Roles are not stored with the request: they are
    /// taken from the roster when given (a reserve shift is swapped as a reserve shift).
    static func swap(_ r: ShiftSwapRecord, roster: [RosterAssignment] = []) throws -> ShiftSwap {
        guard let day = LocalDay(r.requesterDay) else { throw KefuError.badRequest("换班记录损坏。") }
        var peerShift: RosterAssignment?
        if let pd = r.peerDay.flatMap(LocalDay.init), let ps = r.peerShift {
            peerShift = RosterAssignment(workId: r.peer, day: pd, shiftCode: ps, role: .regular)
        }
        func role(_ workId: String, _ day: LocalDay, _ code: String) -> RosterRole {
            roster.first { $0.workId == workId && $0.day == day && $0.shiftCode == code }?.role ?? .regular
        }
        if let p = peerShift { peerShift?.role = role(p.workId, p.day, p.shiftCode) }
        var swap = try ShiftSwap(requester: r.requester, peer: r.peer,
                                 requesterShift: RosterAssignment(workId: r.requester, day: day, shiftCode: r.requesterShift,
                                                                  role: role(r.requester, day, r.requesterShift)),
                                 peerShift: peerShift)
        swap.state = ShiftSwapState(rawValue: r.state) ?? .requested
        return swap
    }

    /// The requester gives their shift on `day` to `peer`, optionally taking the peer's shift on `peerDay`.
    func request(month: String, requester: String, day: LocalDay, peer: String, peerDay: LocalDay?, note: String, history: History) async throws -> ShiftSwapRecord {
        let roster = try await rosters.require(month: month)
        guard roster.record.status == "published" else { throw KefuError.conflict("roster_draft", "排班表尚未发布，不能换班。") }
        guard peer != requester else { throw KefuError.invalid([.init(field: "peer", message: "不能与自己换班")]) }
        guard let mine = roster.assignments.first(where: { $0.workId == requester && $0.day == day }) else {
            throw KefuError.invalid([.init(field: "day", message: "您在 \(day) 没有班次")])
        }
        let agents = try await rosters.agents()
        guard agents.contains(where: { $0.workId == peer }) else { throw KefuError.invalid([.init(field: "peer", message: "工号 \(peer) 不在排班人员中")]) }
        var theirs: RosterAssignment?
        if let peerDay {
            guard let t = roster.assignments.first(where: { $0.workId == peer && $0.day == peerDay }) else {
                throw KefuError.invalid([.init(field: "peerDay", message: "对方在 \(peerDay) 没有班次")])
            }
            theirs = t
        }
        do {
            let swap = try ShiftSwap(requester: requester, peer: peer, requesterShift: mine, peerShift: theirs)
            _ = try swap.applied(to: roster.assignments)
        } catch let e as WorkforceError { throw KefuError(e) }
        let r = ShiftSwapRecord()
        r.companyID = company.id
        r.rosterId = try roster.record.requireID()
        r.requester = requester; r.peer = peer
        r.requesterDay = day.description; r.requesterShift = mine.shiftCode
        r.peerDay = theirs?.day.description; r.peerShift = theirs?.shiftCode
        r.state = ShiftSwapState.requested.rawValue
        r.note = String(note.prefix(200))
        r.createdAt = history.now
        try await db.writeTransaction { tx in
            try await r.create(on: tx)
            try await KefuNotification(recipientWorkId: peer, recipientRole: nil, workOrderID: nil,
                                       message: "\(requester) 请求与您换班（\(day) \(mine.shiftCode)），请在“我的排班”中答复。", createdAt: history.now).create(on: tx)
            try await history.on(tx).audit(action: "shift_swap.requested", objectType: "shift_swap", objectId: r.id?.uuidString,
                                           after: "\(requester) \(day) \(mine.shiftCode) → \(peer)")
        }
        return r
    }

    /// One step of the swap by `actor`; approval applies it to the roster.
    func act(_ id: UUID, action: Action, actor: String, history: History) async throws {
        let r = try await company.data.require(ShiftSwapRecord.self, id, "换班申请")
        var swap = try Self.swap(r)
        let before = swap.state
        do {
            switch action {
            case .accept: try swap.accept(by: actor)
            case .decline: try swap.decline(by: actor)
            case .cancel: try swap.cancel(by: actor)
            case .approve: try swap.approve(byLead: actor)
            case .reject: try swap.reject(byLead: actor)
            }
        } catch let e as WorkforceError {
            if case let .invalidInput(_, reason) = e { throw KefuError.conflict("swap_state", reason) }
            throw KefuError(e)
        }
        var applied: [RosterAssignment]?
        var rosterId = r.rosterId
        if action == .approve {
            let roster = try await company.data.require(RosterRecord.self, r.rosterId, "排班表")
            let loaded = try await rosters.require(month: roster.month)
            rosterId = try loaded.record.requireID()
            let next: [RosterAssignment]
            do {
                var withRoles = try Self.swap(r, roster: loaded.assignments)
                withRoles.state = swap.state
                withRoles.decidedBy = swap.decidedBy
                swap = withRoles
                next = try swap.applied(to: loaded.assignments)
            } catch let e as WorkforceError { throw KefuError(e) }
            let agents = try await rosters.agents(during: loaded.days)
            var problems: [RosterViolation] = []
            for person in [swap.requester, swap.peer] {
                problems += RosterValidator.introduced(by: next, from: loaded.assignments, templates: loaded.templates, agents: agents,
                                                       rules: loaded.rules, days: loaded.days, workId: person)
            }
            if !problems.isEmpty {
                throw KefuError(.unprocessableEntity, "roster_rule", "换班后违反排班规则，未批准：" + problems.map(\.message).joined(separator: "；"))
            }
            applied = next.filter { $0.workId == swap.requester || $0.workId == swap.peer }
        }
        let state = swap.state
        let people = [swap.requester, swap.peer]
        let changed = applied, roster = rosterId
        try await db.writeTransaction { tx in
            r.state = state.rawValue
            if action == .approve || action == .reject { r.decidedBy = actor; r.decidedAt = history.now }
            try await r.update(on: tx)
            if let changed {
                try await RosterAssignmentRecord.query(on: tx).filter(\.$rosterId == roster).filter(\.$workId ~~ people).delete()
                try await RosterService.insert(changed, rosterId: roster, on: tx)
            }
            let message = "换班申请（\(r.requesterDay) \(r.requesterShift)）：\(Self.label(state))"
            for p in people where p != actor {
                try await KefuNotification(recipientWorkId: p, recipientRole: nil, workOrderID: nil, message: message, createdAt: history.now).create(on: tx)
            }
            try await history.on(tx).audit(action: "shift_swap.\(action.rawValue)", objectType: "shift_swap", objectId: id.uuidString,
                                           before: before.rawValue, after: state.rawValue)
        }
    }

    static func label(_ s: ShiftSwapState) -> String {
        switch s {
        case .requested: "待对方同意"
        case .accepted: "待班长审批"
        case .approved: "已批准，排班已调整（如再缺勤，双方共同负责）"
        case .declined: "对方拒绝"
        case .rejected: "班长驳回"
        case .cancelled: "已撤回"
        }
    }
}
