import Foundation

/// The situations the seed's standard phrases 规范用语 are for (R2.1–R2.7).
///
/// The kind, not the wording, is what the engine and the screen-pop rely on,
/// so an admin can reword a phrase without breaking detection.
public enum StandardPhraseKind: String, Codable, CaseIterable, Sendable {
    case opening, openingNewYear, openingFestival
    case inquiry
    case closing, closingNewYear, closingFestival
    case holdNotice, thanksForWaiting, waitReminder
    case thanksReply, verify, workId, civilityWarning, retention
    case repeatRequest, badLine, mandarin, suggestionReply, apology, chatGreeting

    public var label: String {
        switch self {
        case .opening: return "开始语（日常）"
        case .openingNewYear: return "开始语（元旦、春节）"
        case .openingFestival: return "开始语（五一、端午、中秋、国庆）"
        case .inquiry: return "征询语"
        case .closing: return "结束语（日常）"
        case .closingNewYear: return "结束语（元旦、春节）"
        case .closingFestival: return "结束语（五一、端午、中秋、国庆）"
        case .holdNotice: return "等待用语（静音前）"
        case .thanksForWaiting: return "等待后致谢"
        case .waitReminder: return "长时间等待提醒"
        case .thanksReply: return "致谢应对"
        case .verify: return "核对用语"
        case .workId: return "告知工号"
        case .civilityWarning: return "不文明用语提醒"
        case .retention: return "挽留用语"
        case .repeatRequest: return "请客户重复"
        case .badLine: return "电话听不清"
        case .mandarin: return "请讲普通话"
        case .suggestionReply: return "建议应对"
        case .apology: return "致歉用语"
        case .chatGreeting: return "在线客服自动问候"
        }
    }
}

/// A phrase an agent must never say (R2.8).
public struct ForbiddenPhrase: Codable, Hashable, Sendable {
    /// As written in the rules, or a pattern covering its common variants
    /// (`(这个)不归[我们|我]管`, see `LexiconPattern`); folding makes
    /// traditional, full-width, punctuation and variant-character forms match too.
    public var phrase: String
    /// A `forbidden.*` rule code (the category).
    public var rule: String
    /// What to say instead; shown to the agent in live chat and in QC reports.
    public var suggestion: String?
    /// When true the phrase only counts as a whole clause (bounded by
    /// punctuation or the start/end of the utterance, tolerating interjections
    /// like 嗯/啊). Short generic phrases such as 我不知道 are refusals on their
    /// own but harmless inside "我不知道的话会帮您查"; nil means false.
    public var whole: Bool?

    public init(phrase: String, rule: String, suggestion: String? = nil, whole: Bool? = nil) {
        self.phrase = phrase
        self.rule = rule
        self.suggestion = suggestion
        self.whole = whole
    }
}

/// A standard phrase; templates may contain `{company}` and `{workId}`.
public struct StandardPhrase: Codable, Hashable, Sendable {
    public var kind: StandardPhraseKind
    public var text: String

    public init(kind: StandardPhraseKind, text: String) {
        self.kind = kind
        self.text = text
    }
}

/// The service-language lexicon: data, not code, so each center's admin can
/// edit it (the server stores edited versions; the engine is rebuilt per version).
public struct Lexicon: Codable, Sendable, Equatable {
    /// Bumped by the server on every edit; the engine cache is keyed on it.
    public var version: Int
    public var forbidden: [ForbiddenPhrase]
    public var standard: [StandardPhrase]

    public init(version: Int, forbidden: [ForbiddenPhrase], standard: [StandardPhrase]) {
        self.version = version
        self.forbidden = forbidden
        self.standard = standard
    }

    /// The shipped default (seed 000), decoded once from `DefaultLexicon.json`.
    public static var shippedDefault: Lexicon { DefaultLexicon.decoded }

    /// Decodes and validates, so a broken admin upload is refused before it
    /// replaces a working lexicon.
    public static func decode(_ data: Data) throws -> Lexicon {
        let lexicon: Lexicon
        do {
            lexicon = try JSONDecoder().decode(Lexicon.self, from: data)
        } catch {
            throw LexiconError(reason: "词库 JSON 无法解析：\(error)")
        }
        try lexicon.validate()
        return lexicon
    }

    /// Pretty, sorted and unescaped UTF-8, so stored versions diff readably.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// Throws the first problem found, described in Chinese for the admin UI.
    public func validate() throws {
        if version < 1 { throw LexiconError(reason: "词库版本号必须大于 0") }
        let folder = TextFolder.shared
        var seen: [String: Int] = [:]
        var total = 0
        for (index, entry) in forbidden.enumerated() {
            let number = index + 1
            if entry.phrase.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw LexiconError(reason: "第 \(number) 条服务忌语为空")
            }
            guard let rule = QARule(rawValue: entry.rule), rule.isForbidden else {
                throw LexiconError(reason: "第 \(number) 条服务忌语“\(entry.phrase)”的类别“\(entry.rule)”不存在")
            }
            let variants: [String]
            do {
                variants = try LexiconPattern.expand(entry.phrase)
            } catch let error as LexiconError {
                throw LexiconError(reason: "第 \(number) 条服务忌语“\(entry.phrase)”写法有误：\(error.reason)")
            }
            total += variants.count
            if total > Self.maxForbiddenVariants {
                throw LexiconError(reason: "服务忌语展开后共超过 \(Self.maxForbiddenVariants) 种说法，请精简词库")
            }
            var own = Set<String>()
            for variant in variants {
                let folded = folder.foldedString(variant)
                if folded.isEmpty {
                    let what = variants.count == 1 ? "" : "的一种说法“\(variant)”"
                    throw LexiconError(reason: "第 \(number) 条服务忌语“\(entry.phrase)”\(what)只有标点或空格，无法匹配")
                }
                // Variants of one entry that fold alike (帐/账) are one phrase, not a clash.
                guard own.insert(folded).inserted else { continue }
                if let previous = seen[folded] {
                    let what = variants.count == 1 ? "" : "的说法“\(variant)”"
                    throw LexiconError(reason: "第 \(number) 条服务忌语“\(entry.phrase)”\(what)与第 \(previous) 条重复")
                }
                seen[folded] = number
            }
            if let suggestion = entry.suggestion, suggestion.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw LexiconError(reason: "第 \(number) 条服务忌语“\(entry.phrase)”的建议用语为空")
            }
        }
        for (index, entry) in standard.enumerated()
        where entry.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LexiconError(reason: "第 \(index + 1) 条规范用语（\(entry.kind.label)）为空")
        }
    }

    /// Bounds the automaton an upload can make (64 variants × the 4 MB upload
    /// limit would otherwise be a quarter of a gigabyte of phrases).
    public static let maxForbiddenVariants = 200_000

    /// Every phrase the forbidden entries stand for, with the index of its entry,
    /// so a finding can say which entry matched. A stored lexicon was validated
    /// when it was saved; an entry that is not a valid pattern (a lexicon built
    /// in code and never validated) is matched as the literal text it is, which
    /// is what such an entry meant before patterns existed.
    public func forbiddenVariants() -> [(phrase: String, entry: Int)] {
        var out: [(phrase: String, entry: Int)] = []
        for (index, entry) in forbidden.enumerated() {
            let variants = (try? LexiconPattern.expand(entry.phrase)) ?? [entry.phrase]
            out += variants.map { ($0, index) }
        }
        return out
    }

    /// Standard phrases of one kind, in lexicon order.
    public func standard(_ kind: StandardPhraseKind) -> [String] {
        standard.filter { $0.kind == kind }.map(\.text)
    }
}

/// Why a lexicon was refused; `reason` is shown to the admin as is.
public struct LexiconError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
