/// Agents see only what their role needs (R5.5): phone numbers are masked in lists.
public enum Masking {
    /// 13812345678 → 138****5678; short numbers keep their last 2 digits.
    public static func phone(_ s: String) -> String {
        let c = Array(s)
        guard c.count >= 7 else { return String(repeating: "*", count: max(0, c.count - 2)) + String(c.suffix(2)) }
        return String(c.prefix(3)) + "****" + String(c.suffix(4))
    }

    /// 11010519491231002X → 110***********002X: enough to tell two apart, not to use one.
    public static func idNumber(_ s: String) -> String {
        let c = Array(s)
        guard c.count > 7 else { return String(repeating: "*", count: c.count) }
        return String(c.prefix(3)) + String(repeating: "*", count: c.count - 7) + String(c.suffix(4))
    }
}
