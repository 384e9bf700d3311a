import Foundation

/// What a company's or branch's addition to the center's lexicon is.
public enum LexiconAdditionKind: String, Codable, CaseIterable, Sendable {
    /// A phrase its agents must not say (checked like the center's 服务忌语).
    case forbidden
    /// A company's own standard wording, kept and reported; no engine rule reads it yet.
    case standard

    public var label: String {
        switch self {
        case .forbidden: "服务忌语"
        case .standard: "规范用语"
        }
    }
}

/// One addition as the rules see it: whose it is and what it says. `branchID` nil means the
/// whole company.
public struct LexiconAdditionEntry: Sendable, Equatable {
    public var companyID: UUID
    public var branchID: UUID?
    public var kind: LexiconAdditionKind
    public var phrase: String
    public var active: Bool

    public init(companyID: UUID, branchID: UUID?, kind: LexiconAdditionKind, phrase: String, active: Bool) {
        self.companyID = companyID; self.branchID = branchID; self.kind = kind; self.phrase = phrase; self.active = active
    }
}

/// A company's and its branches' stricter rules on top of the center's lexicon (R11.1, seed
/// 004: a branch has stricter rules of its own, reported to the center). The center's
/// lexicon stays one for everybody; the language check of a contact or chat uses it plus
/// the additions of that contact's company — the company-wide ones and its own branch's,
/// never another branch's.
public enum LexiconAdditions {
    public static let maxPhraseLength = 50
    public static let maxNoteLength = 200

    /// Whether `addition` is in force for a contact of `company` / `branch`.
    public static func applies(_ addition: LexiconAdditionEntry, company: UUID, branch: UUID?) -> Bool {
        addition.active && addition.companyID == company && (addition.branchID == nil || addition.branchID == branch)
    }

    /// Whether a new addition at (`company`, `branch`) would be in force together with
    /// `other` somewhere: a company-wide one meets every branch's, a branch's meets the
    /// company-wide ones and its own branch's.
    public static func overlaps(_ other: LexiconAdditionEntry, company: UUID, branch: UUID?) -> Bool {
        other.active && other.companyID == company && (branch == nil || other.branchID == nil || other.branchID == branch)
    }

    /// The lexicon that checks a contact of `company` / `branch`: the center's, plus every
    /// forbidden addition in force there under the rule `forbidden.local`. A phrase the
    /// center's lexicon (or an earlier addition) already covers is not added twice, so one
    /// utterance never counts twice; the version stays the center's.
    public static func merged(_ base: Lexicon, additions: [LexiconAdditionEntry], company: UUID, branch: UUID?) -> Lexicon {
        let folder = TextFolder.shared
        var out = base
        var seen = Set(base.forbiddenVariants().map { folder.foldedString($0.phrase) })
        let inForce = additions.filter { $0.kind == .forbidden && applies($0, company: company, branch: branch) }
            .sorted { $0.phrase < $1.phrase }
        for a in inForce {
            let variants = (try? LexiconPattern.expand(a.phrase)) ?? [a.phrase]
            let fresh = variants.filter { !seen.contains(folder.foldedString($0)) && !folder.foldedString($0).isEmpty }
            if fresh.isEmpty { continue }
            if fresh.count == variants.count {
                out.forbidden.append(ForbiddenPhrase(phrase: a.phrase, rule: QARule.forbiddenLocal.rawValue))
            } else {
                // The center covers some of its variants since it was added: keep only the others.
                out.forbidden += fresh.map { ForbiddenPhrase(phrase: $0, rule: QARule.forbiddenLocal.rawValue) }
            }
            seen.formUnion(fresh.map { folder.foldedString($0) })
        }
        return out
    }

    /// Checks a new addition and returns its phrase trimmed. Refused: empty or too long, a
    /// broken pattern, a phrase the center's lexicon already has, or one that an active
    /// addition in force at the same place already has (`existing`: the company's additions).
    public static func validate(phrase raw: String, note: String?, kind: LexiconAdditionKind, company: UUID, branch: UUID?,
                                base: Lexicon, existing: [LexiconAdditionEntry]) throws -> String {
        let phrase = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if phrase.isEmpty { throw LexiconError(reason: "请填写短语。") }
        if phrase.count > maxPhraseLength { throw LexiconError(reason: "短语不超过 \(maxPhraseLength) 字。") }
        if (note ?? "").count > maxNoteLength { throw LexiconError(reason: "说明不超过 \(maxNoteLength) 字。") }
        let folder = TextFolder.shared
        func folded(_ p: String) throws -> [String] {
            let variants: [String]
            do { variants = try LexiconPattern.expand(p) } catch let e as LexiconError {
                throw LexiconError(reason: "短语“\(p)”写法有误：\(e.reason)")
            }
            return variants.map { folder.foldedString($0) }
        }
        let mine = try folded(phrase)
        if mine.contains(where: \.isEmpty) { throw LexiconError(reason: "短语“\(phrase)”只有标点或空格，无法匹配。") }
        switch kind {
        case .forbidden:
            let center = Set(base.forbiddenVariants().map { folder.foldedString($0.phrase) })
            if mine.contains(where: center.contains) { throw LexiconError(reason: "中心词库已有“\(phrase)”，无需重复添加。") }
        case .standard:
            let center = Set(base.standard.map { folder.foldedString($0.text) })
            if mine.contains(where: center.contains) { throw LexiconError(reason: "中心词库已有规范用语“\(phrase)”。") }
        }
        for other in existing where other.kind == kind && overlaps(other, company: company, branch: branch) {
            let theirs = Set((try? folded(other.phrase)) ?? [folder.foldedString(other.phrase)])
            if mine.contains(where: theirs.contains) {
                throw LexiconError(reason: "已有相同的补充\(kind.label)“\(other.phrase)”。")
            }
        }
        return phrase
    }
}

/// Who changes what of the language rules (R11.1). The center's lexicon, scorecard and
/// greeting days apply to every company the center serves, so only the operating company's
/// editors change them; a client company's editors add their own phrases instead
/// (`LexiconAdditions`), which the center sees in its list.
public enum LexiconEditRule {
    public static func mayEditCenterRules(homeIsOperator: Bool) -> Bool { homeIsOperator }

    public static let refusal = "中心词库与评分标准由运营公司维护；本公司或分公司的补充忌语请在“补充忌语”页添加。"
}
