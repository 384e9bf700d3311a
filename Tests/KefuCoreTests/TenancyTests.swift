import Foundation
import Testing
@testable import KefuCore

/// R11.1/R11.2: companies isolate, branches are stricter, never looser.
@Suite("Tenancy")
struct TenancyTests {
    let a = UUID(), b = UUID(), c = UUID()

    @Test func aPersonSeesTheirCompanyAndTheGrantedOnesNarrowedByTheSwitcher() {
        let all = TenantScope.of(home: a, granted: [b], chosen: nil)
        #expect(all.includes(a) && all.includes(b) && !all.includes(c))
        #expect(all.isMixed)
        #expect(all.single == nil)
        let chosen = TenantScope.of(home: a, granted: [b], chosen: b)
        #expect(chosen == .companies([b]))
        #expect(!chosen.isMixed && chosen.single == b)
        // A choice outside the person's companies widens nothing.
        #expect(TenantScope.of(home: a, granted: [], chosen: c) == .companies([a]))
        #expect(TenantScope.system.includes(c) && TenantScope.system.companyIDs == nil)
    }

    @Test func onlyTheOperatorsStaffMayBeGrantedOtherCompanies() {
        #expect(CompanyGrantRule.mayBeGranted(homeIsOperator: true))
        #expect(!CompanyGrantRule.mayBeGranted(homeIsOperator: false))
    }

    @Test func codesTravelInURLsAndCSV() {
        #expect(TenantCode.problem("HQ") == nil)
        #expect(TenantCode.problem("branch_2-a") == nil)
        #expect(TenantCode.problem("") != nil)
        #expect(TenantCode.problem("星河") != nil)
        #expect(TenantCode.problem("a b") != nil)
        #expect(TenantCode.problem(String(repeating: "x", count: 33)) != nil)
    }

    @Test func theWelcomeNamesCompanyBranchAndHotline() {
        #expect(WelcomeText.fill(WelcomeText.standard, company: "某省电信", branch: "南城分公司", hotline: "10000")
                == "欢迎致电某省电信南城分公司客服热线10000")
        // A typo stays visible on the preview instead of vanishing.
        #expect(WelcomeText.fill("欢迎{compnay}", company: "甲", branch: "乙", hotline: "1") == "欢迎{compnay}")
    }

    @Test func aBranchMayTightenButNotLoosenTheSLA() {
        let company = SLAPolicy.defaultPolicy(type: .complaint, priority: .normal)
        let tighter = BranchRules.tighter(company, branchFirstResponse: 1800, branchResolution: nil)
        #expect(tighter.firstResponseSeconds == 1800)
        #expect(tighter.resolutionSeconds == company.resolutionSeconds)
        // A looser stored value never loosens the company's.
        #expect(BranchRules.tighter(company, branchFirstResponse: 999_999, branchResolution: 999_999) == company)
        #expect(BranchRules.problem(firstResponse: 1800, resolution: 24 * 3600, over: company) == nil)
        #expect(BranchRules.problem(firstResponse: company.firstResponseSeconds + 60, resolution: 3600, over: company) != nil)
        #expect(BranchRules.problem(firstResponse: 7200, resolution: 3600, over: company) != nil)
        #expect(BranchRules.problem(firstResponse: 10, resolution: 3600, over: company) != nil)
    }
}
