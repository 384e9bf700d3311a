import Foundation
import Testing
import KefuCore

/// A company's and its branches' own forbidden phrases on top of the center's lexicon (R11.1).
@Suite("Lexicon additions")
struct LexiconAdditionsTests {
    let company = UUID(), other = UUID(), nb = UUID(), hz = UUID()

    func entry(_ phrase: String, branch: UUID? = nil, company: UUID? = nil, active: Bool = true) -> LexiconAdditionEntry {
        LexiconAdditionEntry(companyID: company ?? self.company, branchID: branch, kind: .forbidden, phrase: phrase, active: active)
    }

    @Test func companyWideAndOwnBranchApplyAnotherBranchNever() {
        let additions = [entry("全公司都不许说", branch: nil), entry("宁波不许说", branch: nb), entry("杭州不许说", branch: hz),
                         entry("停用的", branch: nb, active: false), entry("别家公司的", company: other)]
        let merged = LexiconAdditions.merged(.shippedDefault, additions: additions, company: company, branch: nb)
        let local = merged.forbidden.filter { $0.rule == QARule.forbiddenLocal.rawValue }.map(\.phrase)
        #expect(Set(local) == ["全公司都不许说", "宁波不许说"])
        #expect(merged.version == Lexicon.shippedDefault.version)
        #expect(merged.forbidden.count == Lexicon.shippedDefault.forbidden.count + 2)

        let engine = LanguageEngine(lexicon: merged, company: "浙江公司")
        #expect(engine.checkText("这个宁波不许说的。", channel: "chat").map(\.rule) == ["forbidden.local"])
        #expect(engine.checkText("杭州不许说", channel: "chat").isEmpty)
    }

    @Test func aPhraseTheCenterAlreadyHasIsNotAddedTwice() {
        let merged = LexiconAdditions.merged(.shippedDefault, additions: [entry("你自己去问问吧")], company: company, branch: nil)
        #expect(merged == .shippedDefault)
    }

    @Test func validationRefusesEmptyLongBrokenAndDuplicatePhrases() throws {
        func check(_ phrase: String, branch: UUID? = nil, existing: [LexiconAdditionEntry] = []) throws -> String {
            try LexiconAdditions.validate(phrase: phrase, note: nil, kind: .forbidden, company: company, branch: branch,
                                          base: .shippedDefault, existing: existing)
        }
        #expect(try check("  宁波不许说 ") == "宁波不许说")
        #expect(throws: LexiconError.self) { try check("   ") }
        #expect(throws: LexiconError.self) { try check(String(repeating: "长", count: 51)) }
        #expect(throws: LexiconError.self) { try check("不归[我们|我管") }
        #expect(throws: LexiconError.self) { try check("你自己去问问吧") }
        // Same phrase where both would apply: refused; in another branch or company: allowed.
        #expect(throws: LexiconError.self) { try check("宁波不许说", branch: nb, existing: [entry("宁波不许说", branch: nil)]) }
        #expect(throws: LexiconError.self) { try check("宁波不许说", branch: nil, existing: [entry("宁波不許說", branch: nb)]) }
        #expect(try check("宁波不许说", branch: hz, existing: [entry("宁波不许说", branch: nb)]) == "宁波不许说")
        #expect(try check("宁波不许说", branch: nb, existing: [entry("宁波不许说", branch: nb, active: false)]) == "宁波不许说")
        #expect(try check("宁波不许说", existing: [entry("宁波不许说", company: other)]) == "宁波不许说")
    }

    @Test func onlyTheOperatingCompanyEditsTheCenterRules() {
        #expect(LexiconEditRule.mayEditCenterRules(homeIsOperator: true))
        #expect(!LexiconEditRule.mayEditCenterRules(homeIsOperator: false))
        #expect(!QARule.centerCategories.contains(.forbiddenLocal))
    }
}
