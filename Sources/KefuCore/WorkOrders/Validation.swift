import Foundation

/// One field that failed, in the words the page shows next to it.
public struct FieldProblem: Sendable, Equatable, Codable {
    public var field: String
    public var message: String
    public init(field: String, message: String) { self.field = field; self.message = message }
}

/// Input checks shared by the API and the pages, so both refuse the same things the same way.
public enum Validation {
    public static let maxTextLength = 20_000
    public static let maxSubjectLength = 200
    public static let maxNameLength = 100
    public static let maxNoteLength = 2_000

    /// Mainland mobile (1[3-9] + 9 digits, optional +86) or a landline with area code
    /// (0xx-xxxxxxx), or a service number like 95555 / 400-xxx-xxxx.
    public static func isValidPhone(_ raw: String) -> Bool {
        let s = normalizePhone(raw)
        // ASCII digits only: `isNumber` also admits ٣, Ⅷ and ½, which no switch can dial.
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let digits = Array(s)
        if digits.count == 11, digits[0] == "1", ("3"..."9").contains(digits[1]) { return true }
        if digits.first == "0", (10...12).contains(digits.count) { return true }
        if s.hasPrefix("400") || s.hasPrefix("800"), digits.count == 10 { return true }
        if digits.first == "9", digits.count == 5 { return true }
        if (7...8).contains(digits.count), digits.first != "0", digits.first != "1" { return true }
        return false
    }

    /// Digits only, without +86 / 0086 and separators: the form phones are stored and searched in.
    public static func normalizePhone(_ raw: String) -> String {
        var s = raw.filter { !" -()（）".contains($0) }
        s = String(s.map { ch -> Character in
            // full-width digits typed on Chinese keyboards
            if let v = ch.unicodeScalars.first?.value, (0xFF10...0xFF19).contains(v) {
                return Character(UnicodeScalar(v - 0xFF10 + 0x30)!)
            }
            return ch
        })
        var international = true
        if s.hasPrefix("+86") { s.removeFirst(3) } else if s.hasPrefix("0086") { s.removeFirst(4) } else { international = false }
        // +86 21 5555 0000 is 021-5555 0000 dialled from abroad: a landline loses its trunk 0
        // after the country code, and a switch may report either form for the same caller.
        if international, let first = s.first, ("2"..."9").contains(first), (9...11).contains(s.count),
           !((s.hasPrefix("400") || s.hasPrefix("800")) && s.count == 10) {
            s = "0" + s
        }
        return s
    }

    /// Control characters (C0, DEL, C1) have no place in a name, a note or a reason: they
    /// break the pages and the CSV exports, and no keyboard types them.
    public static func hasControlCharacters(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// `checkText`, and refused when it holds a control character: the check of a short
    /// free-text field (a holder's name, a note, a purpose).
    public static func checkLine(_ value: String?, field: String, label: String, max: Int, required: Bool = true) -> FieldProblem? {
        if let p = checkText(value, field: field, label: label, max: max, required: required) { return p }
        if let v = value, hasControlCharacters(v) { return FieldProblem(field: field, message: "\(label)不能含有控制字符") }
        return nil
    }

    /// Required text with a length limit; nil when fine.
    public static func checkText(_ value: String?, field: String, label: String, max: Int, required: Bool = true) -> FieldProblem? {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            return required ? FieldProblem(field: field, message: "\(label)不能为空") : nil
        }
        // Counted as sent, in Unicode scalars: what JSON Schema's `maxLength` counts, so the
        // OpenAPI document and the server agree on every string (é as e + ◌́ is two).
        let length = value?.unicodeScalars.count ?? 0
        if length > max {
            return FieldProblem(field: field, message: "\(label)不能超过 \(max) 个字符（当前 \(length)）")
        }
        return nil
    }
}
