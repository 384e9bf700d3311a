import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer

/// 人员排班资料: skills and preferred shifts are chosen by their Chinese names, stored as codes.
@Suite("Rostering profile choices")
struct ProfileChoicesTests {
    func postRaw(_ s: PageSession, _ path: String, _ body: String) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.internalServerError, "")
        try await s.app.testing().test(.POST, path, beforeRequest: { req in
            req.headers.cookie = ["kefu_session": .init(string: s.cookie)]
            req.headers.contentType = .urlEncodedForm
            req.body = ByteBuffer(string: body + "&_csrf=" + (s.csrf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }, afterResponse: { res in out = (res.status, res.body.string) })
        return out
    }

    @Test func skillsAndPreferredShiftsAreChosenByName() async throws {
        try await withKefu { app, _ in
            let lead = try await PageSession.signIn(app, "3001")
            let (_, page) = try await lead.get("/workforce/setup")
            #expect(page.contains("呼入组") && page.contains("VIP组"))
            #expect(page.contains("name=\"skills[]\""))
            let code = try #require(try await WorkforceSettings.templates(try await WorkforceCompany.named(nil, on: app.db)).first?.code)
            let (status, _) = try await postRaw(lead, "/workforce/setup/profiles",
                                                "workId=1001&weeklyHours=40&skills%5B%5D=inbound&skills%5B%5D=vip&preferred%5B%5D=\(code)")
            #expect(status == .seeOther)
            let profile = try #require(try await WorkforceProfile.query(on: app.db).filter(\.$workId == "1001").first())
            #expect(profile.skills == "inbound,vip")
            #expect(profile.preferredShifts == code)
            let (bad, html) = try await postRaw(lead, "/workforce/setup/profiles", "workId=1001&weeklyHours=40&skills%5B%5D=agent")
            #expect(bad == .unprocessableEntity)
            #expect(html.contains("未知的技能组"))
        }
    }
}
