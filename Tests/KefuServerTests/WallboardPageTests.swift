import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The wallboard page: Chinese queue names, figures past threshold marked in text as well
/// as colour, the big screen without header or menu, and the data the browser ticks from.
@Suite("Wallboard page")
struct WallboardPageTests {
    func ev(_ id: String, _ type: String, _ at: Date, call: String, queue: String) -> [String: Any] {
        ["id": id, "type": type, "at": iso(at), "callId": call, "queue": queue]
    }

    @Test func queuesInChineseThresholdsMarkedAndBigScreenBare() async throws {
        try await withKefu(simulated: true) { app, u in
            let token = try await CTIToken.add(name: "sim", on: app.db, now: app.kefu.clock.now())
            let now = app.kefu.clock.now()
            var calls = (1...7).map { ev("w\($0)", "enqueued", now.addingTimeInterval(Double($0)), call: "c\($0)", queue: "inbound") }
            calls.append(ev("v1", "enqueued", now.addingTimeInterval(1), call: "v1", queue: "vip"))
            calls.append(ev("b1", "enqueued", now.addingTimeInterval(1), call: "b1", queue: "broadband"))
            #expect(try await switchPost(app, "/cti/events", token: token, json: calls)["accepted"] as? Int == 9)
            #expect(try await api(app, .POST, "/clock/advance", token: u.admin, body: ["seconds": 90]).status == .ok)

            let lead = try await PageSession.signIn(app, "3001")
            let (status, html) = try await lead.get("/wallboard")
            #expect(status == .ok)
            #expect(html.contains("<nav"))
            // Queue names as the center says them, not the switch's codes.
            #expect(html.contains("<td>呼入</td>"))
            #expect(html.contains("<td>VIP</td>"))
            #expect(html.contains("<td>宽带业务</td>"))   // named by the IVR option that leads to it
            #expect(!html.contains("<td>inbound</td>"))
            #expect(!html.contains("<td>vip</td>"))
            // 9 waiting (> 5) and a 90-second wait (> 20 s): class and text marker both.
            #expect(html.contains(#"class="tile alert" id="wb-waiting-tile""#))
            #expect(html.contains(#"class="tile alert" id="wb-longest-tile""#))
            #expect(html.contains("⚠ 超过 5 通"))
            #expect(html.contains("⚠ 超过 20 秒"))
            #expect(html.contains("⚠ 超标"))
            // The browser ticks from the snapshot and the thresholds.
            #expect(html.contains("/js/wallboard.js"))
            #expect(html.contains("data-snapshot="))
            #expect(html.contains(#"data-longest-max="20""#))
            #expect(html.contains(#"data-waiting-max="5""#))

            let big = try await lead.get("/wallboard?big=1")
            #expect(big.0 == .ok)
            #expect(!big.1.contains("<nav"))
            #expect(!big.1.contains("<header"))
            #expect(big.1.contains(#"<body class="bare">"#))
            #expect(big.1.contains("wallboard big"))
            #expect(big.1.contains("<td>呼入</td>"))
            #expect(!big.1.contains(#"id="emergency""#))   // the lead's controls stay on the desk screen
        }
    }

    @Test func quietFloorIsNotMarked() async throws {
        try await withKefu { app, u in
            let lead = try await PageSession.signIn(app, "3001")
            let (status, html) = try await lead.get("/wallboard")
            #expect(status == .ok)
            #expect(!html.contains("tile alert"))
            #expect(html.contains(#"id="wb-waiting-flag" hidden"#))
            #expect(html.contains(#"id="wb-sl-flag" hidden"#))
            // Agents may not open the floor.
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/wallboard?big=1").0 == .forbidden)
        }
    }

    @Test func queueNamesAndThresholdsInCore() {
        #expect(QueueNames.label("inbound") == "呼入")
        #expect(QueueNames.label("vip") == "VIP")
        #expect(QueueNames.label("outbound") == "外呼")
        #expect(QueueNames.label("broadband", ivr: .standard) == "宽带业务")
        #expect(QueueNames.label("mystery") == "mystery")
        let labels = QueueNames.labels(["mystery"], ivr: .standard)
        #expect(labels["complaints"] == "投诉建议" && labels["inbound"] == "呼入" && labels["mystery"] == "mystery")
        let t = WallboardThresholds(serviceLevelSeconds: 20, policy: .seedDefault)
        #expect(t.waitingAbove == 5 && t.longestWaitSeconds == 20)
        #expect(t.waitingExceeded(6) && !t.waitingExceeded(5))
        #expect(t.longestWaitExceeded(21) && !t.longestWaitExceeded(20))
        #expect(t.serviceLevelMissed(0.79) && !t.serviceLevelMissed(0.8) && !t.serviceLevelMissed(nil))
    }
}
