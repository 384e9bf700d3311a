import Foundation

/// Which client companies' rows a request may touch (R11.2). Companies are tenants: hard
/// isolation, so a row of a company outside the scope does not exist for the request (the
/// server answers 404, never 403, so ids do not leak). Branches inside a company are soft:
/// they filter and label, they do not hide.
///
/// Decided here once; the server turns it into one filter in its data layer.
public enum TenantScope: Sendable, Equatable {
    /// Background jobs, the CLI and migrations: every company.
    case system
    /// A signed-in person: the companies they may see, narrowed by the company switcher.
    case companies(Set<UUID>)

    /// A person's scope: their own company plus the ones they were granted, narrowed to the
    /// company chosen in the switcher when it is one of them. A stale or foreign choice is
    /// ignored rather than widening anything.
    public static func of(home: UUID, granted: Set<UUID>, chosen: UUID?) -> TenantScope {
        let all = granted.union([home])
        if let chosen, all.contains(chosen) { return .companies([chosen]) }
        return .companies(all)
    }

    public func includes(_ company: UUID) -> Bool {
        switch self {
        case .system: true
        case .companies(let set): set.contains(company)
        }
    }

    /// nil when every company is in scope.
    public var companyIDs: Set<UUID>? {
        switch self {
        case .system: nil
        case .companies(let set): set
        }
    }

    /// Whether lists should name the company of each row: more than one company can appear.
    public var isMixed: Bool {
        switch self {
        case .system: true
        case .companies(let set): set.count > 1
        }
    }

    /// The one company new rows go to when the request does not name one.
    public var single: UUID? {
        if case .companies(let set) = self, set.count == 1 { return set.first }
        return nil
    }
}

/// Who may be given access to companies other than their own (R11.2 outsourced center):
/// only the operating company's staff. A client company's people stay inside it.
public enum CompanyGrantRule {
    public static func mayBeGranted(homeIsOperator: Bool) -> Bool { homeIsOperator }
}
