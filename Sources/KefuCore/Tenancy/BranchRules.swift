/// A branch may be stricter than its company, never looser (R11.1, 004 第三条: branches
/// "may add stricter rules of their own"). These are the merges the server applies to a
/// branch's orders and contacts.
public enum BranchRules {
    /// The SLA that applies to an order of a branch with its own target: each deadline is
    /// the shorter of the two; the calendar stays the company's.
    public static func tighter(_ company: SLAPolicy, branchFirstResponse: Int?, branchResolution: Int?) -> SLAPolicy {
        var p = company
        if let f = branchFirstResponse { p.firstResponseSeconds = min(p.firstResponseSeconds, f) }
        if let r = branchResolution { p.resolutionSeconds = min(p.resolutionSeconds, r) }
        return p
    }

    /// nil when a branch target may be saved over `company`; otherwise why not.
    public static func problem(firstResponse: Int, resolution: Int, over company: SLAPolicy) -> String? {
        if firstResponse < 60 || resolution < 60 { return "时限至少 1 分钟" }
        if firstResponse > resolution { return "首次响应时限不能长于办结时限" }
        if firstResponse > company.firstResponseSeconds || resolution > company.resolutionSeconds {
            return "分公司只能收紧时限：不能长于公司的首次响应 \(company.firstResponseSeconds / 60) 分钟、办结 \(company.resolutionSeconds / 60) 分钟"
        }
        return nil
    }
}
