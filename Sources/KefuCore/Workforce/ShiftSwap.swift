import Foundation

/// Where a shift swap (换班) stands: 待对方同意 / 待班长审批 / 已批准 /
/// 对方拒绝 / 班长驳回 / 已撤回.
public enum ShiftSwapState: String, Codable, Sendable {
    case requested, accepted, approved, declined, rejected, cancelled
}

/// A shift swap between two agents (交接班 7): it needs the consent of both
/// and the lead's approval, and if a swapped shift is then missed, both
/// answer for it — so the request records who gave what to whom.
public struct ShiftSwap: Codable, Equatable, Sendable {
    /// Work IDs.
    public var requester: String
    public var peer: String
    /// Given away by the requester.
    public var requesterShift: RosterAssignment
    /// Taken in exchange; nil when the peer just covers the requester's shift.
    public var peerShift: RosterAssignment?
    public var state: ShiftSwapState
    /// The lead who approved or rejected it (for the audit trail).
    public var decidedBy: String?

    public init(requester: String, peer: String, requesterShift: RosterAssignment, peerShift: RosterAssignment?) throws {
        guard !requester.isEmpty, !peer.isEmpty else { throw Self.fail("换班双方的工号不能为空") }
        guard requester != peer else { throw Self.fail("不能和自己换班") }
        guard requesterShift.workId == requester else { throw Self.fail("申请人只能换出自己的班次") }
        if let peerShift {
            guard peerShift.workId == peer else { throw Self.fail("换入的班次必须是被换班人自己的班次") }
        }
        self.requester = requester
        self.peer = peer
        self.requesterShift = requesterShift
        self.peerShift = peerShift
        self.state = .requested
        self.decidedBy = nil
    }

    /// The peer consents (待对方同意 → 待班长审批).
    public mutating func accept(by workId: String) throws {
        guard workId == peer else { throw Self.fail("只有被换班人可以同意") }
        guard state == .requested else { throw Self.fail("只有待对方同意的换班可以同意（当前：\(state.label)）") }
        state = .accepted
    }

    /// The peer refuses; the swap ends.
    public mutating func decline(by workId: String) throws {
        guard workId == peer else { throw Self.fail("只有被换班人可以拒绝") }
        guard state == .requested else { throw Self.fail("只有待对方同意的换班可以拒绝（当前：\(state.label)）") }
        state = .declined
    }

    /// The lead approves once both agents have consented; a lead cannot
    /// approve a swap they are part of.
    public mutating func approve(byLead workId: String) throws {
        try checkLead(workId, action: "审批")
        state = .approved
        decidedBy = workId
    }

    /// The lead turns the swap down after both agents consented.
    public mutating func reject(byLead workId: String) throws {
        try checkLead(workId, action: "驳回")
        state = .rejected
        decidedBy = workId
    }

    /// The requester withdraws the request before the lead decides.
    public mutating func cancel(by workId: String) throws {
        guard workId == requester else { throw Self.fail("只有申请人可以撤回换班") }
        guard state == .requested || state == .accepted else {
            throw Self.fail("换班已结束，不能撤回（当前：\(state.label)）")
        }
        state = .cancelled
    }

    /// The assignments after the swap (validated by the caller with
    /// RosterValidator before approving). Roles move with the shifts.
    public func applied(to assignments: [RosterAssignment]) throws -> [RosterAssignment] {
        guard state == .requested || state == .accepted || state == .approved else {
            throw Self.fail("换班状态为“\(state.label)”，不能应用到排班表")
        }
        var out = assignments
        guard let given = out.firstIndex(of: requesterShift) else {
            throw Self.fail("申请人的班次 \(requesterShift.day) \(requesterShift.shiftCode) 已不在排班表中")
        }
        out[given].workId = peer
        if let peerShift {
            guard let taken = assignments.firstIndex(of: peerShift) else {
                throw Self.fail("被换班人的班次 \(peerShift.day) \(peerShift.shiftCode) 已不在排班表中")
            }
            out[taken].workId = requester
        }
        return out
    }

    /// R4.5: who answers for a missed swapped shift — both.
    public var responsibleForMiss: [String] { [requester, peer] }

    private func checkLead(_ workId: String, action: String) throws {
        guard !workId.isEmpty else { throw Self.fail("班长工号不能为空") }
        guard workId != requester, workId != peer else { throw Self.fail("班长不能\(action)自己参与的换班") }
        guard state == .accepted else {
            throw Self.fail("换班需双方同意后才能\(action)（当前：\(state.label)）")
        }
    }

    private static func fail(_ reason: String) -> WorkforceError {
        .invalidInput(field: "swap", reason: reason)
    }
}

extension ShiftSwapState {
    /// Chinese label for the page and for error reasons.
    public var label: String {
        switch self {
        case .requested: "待对方同意"
        case .accepted: "待班长审批"
        case .approved: "已批准"
        case .declined: "对方拒绝"
        case .rejected: "班长驳回"
        case .cancelled: "已撤回"
        }
    }
}
