import Foundation
import Testing
@testable import KefuCore

/// Reporting upward (R9.4): level by level, an emergency skipping one, the top answering.
@Suite struct UpwardReportTests {
    @Test func levelByLevelAndAnEmergencySkipsOne() throws {
        #expect(UpwardReport.level(of: .vipAgent) == .agent && UpwardReport.level(of: .admin) == .centerManager)
        let normal = try #require(UpwardReport.next(from: .agent, emergency: false))
        #expect(normal.to == .teamLead && normal.skipped == nil)
        let urgent = try #require(UpwardReport.next(from: .agent, emergency: true))
        #expect(urgent.to == .shiftLead && urgent.skipped == .teamLead)
        let top = try #require(UpwardReport.next(from: .shiftLead, emergency: true))
        #expect(top.to == .centerManager && top.skipped == nil)
        #expect(UpwardReport.next(from: .centerManager, emergency: false) == nil)
        #expect(UpwardReport.mayAct(role: .teamLead, at: .teamLead) && !UpwardReport.mayAct(role: .shiftLead, at: .teamLead))
        #expect(UpwardReport.mayReport(.agent) && !UpwardReport.mayReport(.admin))
        #expect(UpwardReport.textProblem(" ") != nil && UpwardReport.textProblem("竞争对手在小区发传单") == nil)
    }
}
