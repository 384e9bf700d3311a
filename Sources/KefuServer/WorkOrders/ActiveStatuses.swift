import KefuCore

extension WorkOrderStatus {
    /// The statuses that still count as open work (`isActive`), as a list. Pages ask for
    /// `status IN (…)` instead of `status <> 'closed'`: equalities are answered by the
    /// (company, status, …) index (M015); an inequality reads every order of the year.
    static var active: [WorkOrderStatus] { allCases.filter(\.isActive) }

    /// Active and not yet resolved: the work still waiting for someone (the shift board).
    static var unresolved: [WorkOrderStatus] { active.filter { $0 != .resolved } }
}
