import Foundation
import Testing
@testable import KefuCore

@Suite struct AgentDayCoreTests {
    @Test func callsBelongToTheAgentWhoAnswered() {
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        func e(_ call: String, _ type: ContactEventType, _ s: Double, _ agent: String? = nil) -> AgentDay.CallEvent {
            .init(callId: call, type: type, at: t.addingTimeInterval(s), agentWorkId: agent)
        }
        let events = [e("a", .offered, 0, "1001"), e("a", .answered, 5), e("a", .transferred, 65),
                      e("a", .offered, 66, "1002"), e("a", .answered, 70), e("a", .completed, 130),
                      e("b", .offered, 200, "1002"), e("b", .answered, 205, "1001"), e("b", .completed, 325),
                      e("c", .offered, 400, "1001"), e("c", .abandoned, 410),
                      e("d", .offered, 500, "1001"), e("d", .answered, 505)]
        let one = AgentDay.calls(of: "1001", in: events, answeredFrom: t, until: t.addingTimeInterval(86_400))
        #expect(one.answered == 3 && one.completed == 2 && one.talkSeconds == 180)
        let two = AgentDay.calls(of: "1002", in: events, answeredFrom: t, until: t.addingTimeInterval(86_400))
        #expect(two.answered == 1 && two.talkSeconds == 60)
        // Answered before the day began: not the day's call.
        #expect(AgentDay.calls(of: "1001", in: events, answeredFrom: t.addingTimeInterval(300), until: t.addingTimeInterval(86_400)).answered == 1)
        #expect(AgentDay(callsCompleted: 2, talkSeconds: 181).averageHandlingSeconds == 91 && AgentDay().averageHandlingSeconds == nil)
    }

    /// Own figures for the front line, the team's for its lead, everyone's for the floor's leads.
    @Test func whoSeesWhoseDay() {
        let agent = AgentDayAudience(.agent), lead = AgentDayAudience(.teamLead), shift = AgentDayAudience(.shiftLead)
        #expect(agent == .own && lead == .team && shift == .center && AgentDayAudience(.liaison) == .own && AgentDayAudience(.admin) == .center)
        #expect(agent.mayRead("1001", viewer: "1001", team: []) && !agent.mayRead("1002", viewer: "1001", team: ["1002"]))
        #expect(lead.mayRead("1002", viewer: "2001", team: ["1001", "1002"]) && !lead.mayRead("1003", viewer: "2001", team: ["1001", "1002"]))
        #expect(lead.mayRead("2001", viewer: "2001", team: []) && !lead.mayRead("1001", viewer: "2001", team: []))
        #expect(shift.mayRead("1003", viewer: "3001", team: []))
        #expect((AgentDay(callsAnswered: 2, talkSeconds: 100, qcContacts: 1, qcScoreSum: 90) + AgentDay(callsAnswered: 1, qcContacts: 1, qcScoreSum: 80)).qcAverage == 85)
        #expect(TeamRules.memberProblem("2001", role: .teamLead) != nil && TeamRules.memberProblem("1001", role: .agent) == nil)
        #expect(TeamRules.leadProblem("1001", role: .agent) != nil && TeamRules.checkName("  ") != nil && TeamRules.checkName("一组") == nil)
    }
}
