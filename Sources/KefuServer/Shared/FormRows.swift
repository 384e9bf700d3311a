import Foundation

/// Repeated rows of a settings form, sent as flat fields `<prefix><n>_<name>` (`t0_code`,
/// `t3_start`). Flat names keep checkboxes of one row together (parallel `name[]` arrays
/// lose their alignment when a box is unticked), and rows added or removed in the browser
/// need no renumbering: only the order of the numbers counts.
enum FormRows {
    /// A row number above this is not a row someone added by hand; it is refused, not looped to.
    static let maxIndex = 999

    /// The row numbers present under `prefix`, ascending. A field like `t12_code` belongs to
    /// row 12 of prefix "t"; `t12_x_code` (a nested row) is not counted here.
    static func indices(_ form: [String: String], prefix: String) -> [Int] {
        var found = Set<Int>()
        for key in form.keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 3, rest.dropFirst(digits.count).first == "_",
                  let n = Int(digits), n <= maxIndex else { continue }
            found.insert(n)
        }
        return found.sorted()
    }

    /// The trimmed value of one field of one row ("" when absent).
    static func value(_ form: [String: String], _ prefix: String, _ index: Int, _ name: String) -> String {
        (form["\(prefix)\(index)_\(name)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A whole number as typed; nil for text, fractions or numbers beyond any setting.
    static func int(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count <= 9, let n = Int(t) else { return nil }
        return n
    }

    /// A decimal number as typed ("7.5", "7,5" is not accepted); nil for text, NaN or infinities.
    static func double(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count <= 12, let d = Double(t), d.isFinite else { return nil }
        return d
    }

    /// "7.5" not "7.500000"; whole numbers without a point.
    static func number(_ d: Double) -> String { String(format: "%g", d) }
}
