import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The shift handover through HTTP (R9.1): written with the center's facts, signed by the
/// outgoing lead, received by another shift lead's own sign-in (late arrival recorded), and
/// its flagged items on the board until closed.
@Suite("Shift handover (R9.1)")
struct HandoverTests {
    @Test func writtenSignedReceivedAndFollowedUp() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let order = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            let number = try #require(try await WorkOrder.find(UUID(uuidString: order), on: app.db)?.number)
            _ = try await UserAdmin(db: app.db, now: clock.now()).add(
                .init(workId: "3002", name: "接班", role: "shift_lead", password: "secret123", department: nil), hasher: app.password.sync, history: nil)
            let out = try await PageSession.signIn(app, "3001")
            #expect(try await PageSession.signIn(app, "1001").get("/shift/handovers").0 == .forbidden)
            let start = PageFormat.inputValue(clock.now().addingTimeInterval(30 * 60), app.kefu.settings.timeZone)
            let bad = try await out.post("/shift/handovers", ["shiftLabel": "白班", "nextShiftStart": start, "log": "平稳", "kind0": "order", "ref0": "明天", "text0": "回电"])
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("第 1 项"))
            let form = ["shiftLabel": "11月23日 白班", "nextShiftStart": start, "log": "上午宽带故障集中，已报技术部。",
                        "kind0": "order", "ref0": number, "text0": "客户要求 18 点前答复", "kind1": "person", "ref1": "1002", "text1": "明日病假，需顶班",
                        "_once": "h-1"]
            #expect(try await out.post("/shift/handovers", form).0 == .seeOther)
            #expect(try await out.post("/shift/handovers", form).0 == .seeOther)
            #expect(try await ShiftHandoverRecord.query(on: app.db).count() == 1)
            let h = try #require(try await ShiftHandoverRecord.query(on: app.db).first())
            let id = try h.requireID().uuidString
            #expect(h.facts.contains("\"ordersCreated\":1"))
            // Not signed out yet: nobody can receive it.
            #expect(try await out.post("/shift/handovers/\(id)/receive", ["workId": "3002", "password": "secret123"]).0 == .conflict)
            #expect(try await PageSession.signIn(app, "9001").post("/shift/handovers/\(id)/sign", [:]).0 == .forbidden)
            #expect(try await out.post("/shift/handovers/\(id)/sign", [:]).0 == .seeOther)
            #expect(try await out.post("/shift/handovers/\(id)/sign", [:]).0 == .conflict)
            // The incoming lead signs at the same desk with their own work ID and password.
            #expect(try await out.post("/shift/handovers/\(id)/receive", ["workId": "3001", "password": "secret123"]).0 == .unprocessableEntity)
            #expect(try await out.post("/shift/handovers/\(id)/receive", ["workId": "3002", "password": "wrong-pass"]).0 == .unauthorized)
            #expect(try await out.post("/shift/handovers/\(id)/receive", ["workId": "1001", "password": "secret123"]).0 == .unprocessableEntity)
            clock.advance(by: 25 * 60)   // five minutes before the shift: later than the ten-minute rule
            #expect(try await out.post("/shift/handovers/\(id)/receive", ["workId": "3002", "password": "secret123"]).0 == .seeOther)
            let received = try #require(try await ShiftHandoverRecord.find(h.id, on: app.db))
            #expect(received.status == .received && received.incomingWorkId == "3002" && received.lateArrivalMinutes == 5)
            #expect(received.outgoingSignedAt != nil && received.incomingSignedAt != nil)
            let (_, page) = try await out.get("/shift/handovers/\(id)")
            #expect(page.contains("3002 号于") && page.contains("迟到 5 分钟") && page.contains("上午宽带故障集中"))
            // The flagged items wait on the board until a lead closes them.
            let board = try await PageSession.signIn(app, "3002").get("/shift")
            #expect(board.1.contains("id=\"handover-open\"") && board.1.contains("客户要求 18 点前答复"))
            let item = try #require(try await ShiftHandoverItem.query(on: app.db).filter(\.$kind == .order).first())
            #expect(try await out.post("/shift/handover-items/\(try item.requireID())/close", ["note": "已答复客户", "back": "/shift"]).0 == .seeOther)
            #expect(!(try await out.get("/shift").1.contains("客户要求 18 点前答复")))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "handover.received").count() == 1)
        }
    }
}
