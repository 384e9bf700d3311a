import Foundation

/// The small pattern language of a forbidden-phrase entry, so one entry covers
/// the ways agents actually say a phrase instead of the one sentence of the rules:
///
/// - `(这个)不归我们管` — the part in round brackets may be left out;
/// - `不归[我们|我]管` — exactly one of the choices in square brackets;
/// - `(这个|这)不归我管` — one of the choices, or none;
/// - groups nest: `你(去)[找|问(一下)]别人`.
///
/// Full-width `（）【】［］｜` work the same, because admins type with a
/// Chinese input method. Patterns are expanded into plain phrases before the
/// automaton is built, so matching speed does not depend on the syntax; the
/// expansion is capped (`maxExpansions`) so one entry cannot blow up the
/// automaton.
public enum LexiconPattern {
    /// More variants than this in one entry is almost always a mistake (and
    /// makes false alarms likely); such an entry should be split.
    public static let maxExpansions = 64
    /// Deep nesting is unreadable and would let a hostile upload recurse deeply.
    public static let maxNesting = 4

    /// Whether `text` uses the pattern syntax at all (plain phrases skip parsing).
    public static func isPattern(_ text: String) -> Bool {
        text.contains { syntax.contains($0) }
    }

    /// Every phrase the pattern stands for, in writing order, without repeats.
    /// Throws a `LexiconError` whose reason (Chinese) says what is wrong and where.
    public static func expand(_ pattern: String) throws -> [String] {
        guard isPattern(pattern) else { return [pattern] }
        var parser = Parser(Array(pattern))
        let variants = try parser.sequence(depth: 0)
        if parser.index < parser.characters.count {
            // `sequence` stops only at a closing bracket or a bar at the top level.
            let c = parser.characters[parser.index]
            if isBar(c) {
                throw LexiconError(reason: "第 \(parser.index + 1) 个字符“\(c)”：竖线只能写在 [ ] 或 ( ) 里，用来分隔几种说法")
            }
            throw LexiconError(reason: "第 \(parser.index + 1) 个字符“\(c)”多余：前面没有与它配对的左括号")
        }
        var seen = Set<String>()
        return variants.filter { seen.insert($0).inserted }
    }

    /// Splits one line of the admin page (`短语 | 建议用语 | 整句`) on the bars
    /// that are not inside brackets, so `不归[我们|我]管 | 建议` keeps its pattern.
    public static func splitFields(_ line: some StringProtocol) -> [String] {
        var fields: [String] = []
        var current = ""
        var depth = 0
        for c in line {
            if isOpen(c) { depth += 1 } else if isClose(c) { depth = max(0, depth - 1) }
            if depth == 0, isBar(c) {
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }

    static let syntax: Set<Character> = ["(", ")", "（", "）", "[", "]", "【", "】", "［", "］", "|", "｜"]
    static func isOpen(_ c: Character) -> Bool { c == "(" || c == "（" || c == "[" || c == "【" || c == "［" }
    static func isClose(_ c: Character) -> Bool { c == ")" || c == "）" || c == "]" || c == "】" || c == "］" }
    static func isBar(_ c: Character) -> Bool { c == "|" || c == "｜" }
    static func isOptional(_ c: Character) -> Bool { c == "(" || c == "（" || c == ")" || c == "）" }

    struct Parser {
        let characters: [Character]
        var index = 0

        init(_ characters: [Character]) { self.characters = characters }

        /// Literal text and groups up to a closing bracket, a bar, or the end.
        mutating func sequence(depth: Int) throws -> [String] {
            var variants = [""]
            var literal = ""
            func flush() {
                if !literal.isEmpty { variants = variants.map { $0 + literal }; literal = "" }
            }
            while index < characters.count {
                let c = characters[index]
                if isClose(c) || isBar(c) { break }
                if isOpen(c) {
                    flush()
                    let group = try self.group(depth: depth + 1)
                    let count = variants.count.multipliedReportingOverflow(by: group.count)
                    guard !count.overflow, count.partialValue <= LexiconPattern.maxExpansions else {
                        throw LexiconError(reason: "展开后超过 \(LexiconPattern.maxExpansions) 种说法，请拆成几条，或减少可选部分")
                    }
                    variants = variants.flatMap { head in group.map { head + $0 } }
                } else {
                    literal.append(c)
                    index += 1
                }
            }
            flush()
            return variants
        }

        /// A bracketed group starting at `index`: its choices (plus "" when optional).
        mutating func group(depth: Int) throws -> [String] {
            let open = characters[index]
            let openAt = index
            let optional = isOptional(open)
            let pair = optional ? "( )" : "[ ]"
            guard depth <= LexiconPattern.maxNesting else {
                throw LexiconError(reason: "第 \(openAt + 1) 个字符“\(open)”：括号最多嵌套 \(LexiconPattern.maxNesting) 层")
            }
            index += 1
            var choices: [String] = []
            while true {
                let choice = try sequence(depth: depth)
                if choice.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    throw LexiconError(reason: "第 \(openAt + 1) 个字符起的 \(pair) 里有空的选项"
                                       + (optional ? "" : "（可以省略的部分请用圆括号）"))
                }
                choices += choice
                guard choices.count <= LexiconPattern.maxExpansions else {
                    throw LexiconError(reason: "展开后超过 \(LexiconPattern.maxExpansions) 种说法，请拆成几条，或减少可选部分")
                }
                guard index < characters.count else {
                    throw LexiconError(reason: "第 \(openAt + 1) 个字符“\(open)”没有对应的右括号")
                }
                let c = characters[index]
                index += 1
                if isBar(c) { continue }
                // A closing bracket: it must be the same kind as the opening one.
                if isOptional(c) != optional {
                    throw LexiconError(reason: "第 \(openAt + 1) 个字符“\(open)”与第 \(index) 个字符“\(c)”不配对")
                }
                return optional ? [""] + choices : choices
            }
        }
    }
}
