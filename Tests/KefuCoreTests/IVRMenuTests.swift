import Foundation
import Testing
@testable import KefuCore

@Suite("IVR menu")
struct IVRMenuTests {
    @Test func standardMenuIsValidAndWalkable() {
        let m = IVRMenu.standard
        #expect(m.problems().isEmpty)
        #expect(IVRWalk(menu: m, keys: ["2"]).end == .queue("broadband"))
        #expect(IVRWalk(menu: m, keys: ["1", "1"]).end == .info("本月话费请登录网上营业厅或发送短信 CXHF 到 10086 查询。"))
        #expect(IVRWalk(menu: m, keys: ["1", "*", "0"]).end == .queue("inbound"))
        #expect(IVRWalk(menu: m, keys: ["1"]).end == .stillInMenu("billing"))
        #expect(IVRWalk(menu: m, keys: ["7"]).end == .invalidKey("7", menu: "main"))
        #expect(IVRWalk(menu: m, keys: ["1", "*", "0"]).steps.map(\.menu) == ["main", "billing", "main"])
    }

    @Test func welcomeNamesCompanyHotlineAndWorkID() {
        #expect(IVRMenu.standard.welcomeText(company: "星河通信", workId: "1024") == "欢迎致电星河通信客服热线10086，1024号为您服务。")
    }

    @Test func editorMistakesAreNamed() {
        var m = IVRMenu.standard
        m.menus[0].options.append(IVROption(key: "2", label: "重复", target: .voicemail))
        m.menus[0].options.append(IVROption(key: "A", label: "坏键", target: .voicemail))
        m.menus[0].options.append(IVROption(key: "9", label: "悬空", target: .menu("nowhere")))
        m.menus.append(IVRMenuNode(id: "orphan", prompt: "没人能到", options: [IVROption(key: "1", label: "x", target: .voicemail)]))
        m.waitOfferSeconds = 5
        let p = m.problems().joined(separator: "\n")
        #expect(p.contains("重复的按键"))
        #expect(p.contains("「A」无效"))
        #expect(p.contains("不存在的菜单「nowhere」"))
        #expect(p.contains("「orphan」从主菜单无法到达"))
        #expect(p.contains("40 秒"))
    }

    @Test func targetsRoundTripInJSONAndSpelling() throws {
        let data = try JSONEncoder().encode(IVRMenu.standard)
        #expect(try JSONDecoder().decode(IVRMenu.self, from: data) == IVRMenu.standard)
        for t in [IVRTarget.queue("vip"), .menu("m"), .voicemail, .info("营业时间 9:00"), .back] {
            #expect(IVRTarget(spelling: t.spelling) == t)
        }
        #expect(IVRTarget(spelling: "queue:") == nil)
        #expect(IVRTarget(spelling: "pbx:1") == nil)
    }

    @Test func waitOffersEveryFortySeconds() {
        #expect(IVRWaitOffers.offersPlayed(afterWaiting: 39, every: 40) == 0)
        #expect(IVRWaitOffers.offersPlayed(afterWaiting: 40, every: 40) == 1)
        #expect(IVRWaitOffers.offersPlayed(afterWaiting: 125, every: 40) == 3)
        #expect(IVRWaitOffers.secondsToNextOffer(afterWaiting: 25, every: 40) == 15)
    }
}
