import Foundation

/// What the one search box finds, in the order its groups are shown.
public enum SearchKind: String, CaseIterable, Sendable, Codable {
    case orders, customers, articles

    public var label: String {
        switch self {
        case .orders: "工单"
        case .customers: "客户"
        case .articles: "知识"
        }
    }

    /// The permission a role needs to see a kind at all; which rows it then sees is the
    /// order scope's business (a liaison: their department's orders and their customers).
    public var permission: Permission {
        switch self {
        case .orders: .workOrderRead
        case .customers: .customerRead
        case .articles: .signedIn
        }
    }

    /// The kinds `role` may search, of those asked for (all when none is named).
    public static func allowed(for role: Role, asked: [SearchKind]?) -> [SearchKind] {
        let wanted = Set(asked ?? allCases)
        return allCases.filter { wanted.contains($0) && $0.permission.isGranted(to: role) }
    }

    /// `kinds=orders,customers`: nil for an unknown name (a 422 for the caller).
    public static func parse(list: String) -> [SearchKind]? {
        var kinds: [SearchKind] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let k = SearchKind(rawValue: part.trimmingCharacters(in: .whitespaces)) else { return nil }
            if !kinds.contains(k) { kinds.append(k) }
        }
        return kinds
    }
}
