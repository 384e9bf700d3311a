import Foundation

/// Leaders' private numbers and the other numbers a center never gives out (R5.6, 004 第五条):
/// finds them in what an agent said or typed, however they were spoken — 138 0013 8000,
/// 一三八零零一三八零零零, 幺三八…, full-width digits, with the +86 or the area code, or a
/// landline without its area code. Written by hand because the phrase matcher works on
/// words, and a number is a run of digits that may be split by spaces and dashes anywhere.
public struct ProtectedNumbers: Sendable, Equatable {
    /// Normalised (digits only, `Validation.normalizePhone`).
    public let numbers: [String]

    /// A landline said without its area code is still the number when at least this many
    /// digits agree (the shortest local numbers have 7).
    static let shortestLocal = 7

    public static let none = ProtectedNumbers([])

    public init(_ numbers: [String]) {
        self.numbers = Array(Set(numbers.map(Validation.normalizePhone).filter { $0.count >= 5 && $0.allSatisfy(\.isASCII) })).sorted()
    }

    public var isEmpty: Bool { numbers.isEmpty }

    /// A run of digits as said: the digits, and where it stands in the text (Unicode
    /// scalar offsets, as findings count).
    struct Run { var digits: String; var start: Int; var end: Int }

    static let separators: Set<Unicode.Scalar> = [" ", "-", "－", "—", "–", "·", "(", ")", "（", "）", "\u{3000}", "+", "＋"]
    static let spokenDigits: [Unicode.Scalar: Character] = [
        "零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "三": "3", "四": "4",
        "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
    ]

    static func digit(_ s: Unicode.Scalar) -> Character? {
        if ("0"..."9").contains(s) { return Character(s) }
        if (0xFF10...0xFF19).contains(s.value), let d = Unicode.Scalar(s.value - 0xFF10 + 0x30) { return Character(d) }
        return spokenDigits[s]
    }

    /// Digit runs of three or more; separators inside a run are skipped, at its edges not counted.
    static func runs(in text: String) -> [Run] {
        var out: [Run] = []
        var current: Run?
        var lastDigitEnd = 0
        for (i, s) in text.unicodeScalars.enumerated() {
            if let d = digit(s) {
                if current == nil { current = Run(digits: "", start: i, end: i) }
                current?.digits.append(d)
                lastDigitEnd = i + 1
            } else if current != nil, separators.contains(s) {
                continue
            } else if var run = current {
                run.end = lastDigitEnd
                if run.digits.count >= 3 { out.append(run) }
                current = nil
            }
        }
        if var run = current {
            run.end = lastDigitEnd
            if run.digits.count >= 3 { out.append(run) }
        }
        return out
    }

    /// Where a protected number appears in `text` (one finding per run).
    public func findings(in text: String, segment: Int) -> [Finding] {
        guard !numbers.isEmpty else { return [] }
        let scalars = Array(text.unicodeScalars)
        return Self.runs(in: text).compactMap { run in
            let said = run.digits
            let hit = numbers.contains { n in
                said.contains(n) || (said.count >= Self.shortestLocal && n.hasSuffix(said))
                    || (said.hasPrefix("86") && said.count > 2 && n.hasSuffix(String(said.dropFirst(2))) && said.count - 2 >= Self.shortestLocal)
            }
            guard hit else { return nil }
            var quoted = String.UnicodeScalarView()
            quoted.append(contentsOf: scalars[run.start..<run.end])
            return Finding(rule: QARule.confidentialProtectedNumber.rawValue, segment: segment, text: String(quoted),
                           start: run.start, end: run.end, suggestion: "受保护号码不得透露，请改为代为转达或留言")
        }
    }

    /// The agent's lines of a contact, on every channel.
    public func findings(in transcript: Transcript) -> [Finding] {
        guard !numbers.isEmpty else { return [] }
        var out: [Finding] = []
        for (index, segment) in transcript.segments.enumerated() where segment.speaker == "agent" {
            if let text = segment.text, !text.isEmpty { out += findings(in: text, segment: index) }
        }
        return out
    }
}
