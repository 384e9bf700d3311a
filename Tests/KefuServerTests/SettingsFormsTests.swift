import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Shift templates, rostering rules, the emergency policy and the voice menu are edited as
/// forms in Chinese (no JSON, no English keys): a valid post is stored in the same
/// `app_settings` document and shown again; a bad value comes back with the Chinese reason
/// next to the field and everything typed kept; other roles are refused.
@Suite("Settings forms in Chinese")
struct SettingsFormsTests {
    static let templatesForm: [String: String] = [
        "t0_code": "A", "t0_name": "早班", "t0_start": "07:00", "t0_end": "15:00", "t0_breaks": "11:00-11:30",
        "t1_code": "N", "t1_name": "大夜班", "t1_start": "23:00", "t1_end": "07:00", "t1_breaks": "03:00-03:30",
        // Rows 2 was removed in the browser; row 5 is an empty row left by 添加班次.
        "t5_code": "", "t5_name": "", "t5_start": "", "t5_end": "", "t5_breaks": "",
    ]

    @Test func shiftTemplatesAreRowsWithTimes() async throws {
        try await withKefu { app, _ in
            let lead = try await PageSession.signIn(app, "3001")
            let page = try await lead.get("/workforce/setup")
            #expect(page.0 == .ok)
            #expect(page.1.contains(#"name="t0_start""#) && page.1.contains(#"type="time""#))
            #expect(page.1.contains("夜班") && page.1.contains("每周最多工时"))
            #expect(!page.1.contains("<textarea name=\"json\""))
            #expect(page.1.contains("/js/settings-forms.js"))

            #expect(try await lead.post("/workforce/setup/templates", Self.templatesForm).0 == .seeOther)
            let saved = try await WorkforceSettings.templates(try await WorkforceCompany.named(nil, on: app.db))
            #expect(saved == [
                ShiftTemplate(code: "A", name: "早班", startMinute: 420, lengthMinutes: 480, breaks: [ShiftBreak(offsetMinutes: 240, minutes: 30)]),
                ShiftTemplate(code: "N", name: "大夜班", startMinute: 1380, lengthMinutes: 480, breaks: [ShiftBreak(offsetMinutes: 240, minutes: 30)]),
            ])
            let shown = try await lead.get("/workforce/setup")
            #expect(shown.1.contains(#"value="大夜班""#) && shown.1.contains(#"value="23:00""#) && shown.1.contains(#"value="03:00-03:30""#))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "workforce.templates_saved").count() == 1)

            // A 13-hour shift and a break outside the shift: refused, each reason on its row, all typed values kept.
            var bad = Self.templatesForm
            bad["t0_end"] = "20:00"
            bad["t1_breaks"] = "08:00-08:30"
            bad["t1_name"] = "改过的夜班"
            let refused = try await lead.post("/workforce/setup/templates", bad)
            #expect(refused.0 == .unprocessableEntity)
            #expect(refused.1.contains("班次长度必须在 1 到 12 小时之间"))
            #expect(refused.1.contains("休息时间必须在班次之内"))
            #expect(refused.1.contains(#"value="20:00""#) && refused.1.contains(#"value="08:00-08:30""#) && refused.1.contains(#"value="改过的夜班""#))
            #expect(refused.1.contains("row-error"))
            // Unreadable times and duplicate codes are reasons too, not crashes.
            let garbled = try await lead.post("/workforce/setup/templates", ["t0_code": "A", "t0_name": "早班", "t0_start": "25:99", "t0_end": "x",
                                                                             "t1_code": "A", "t1_name": "又一个", "t1_start": "08:00", "t1_end": "16:00",
                                                                             "t2_code": "A", "t2_name": "重复", "t2_start": "09:00", "t2_end": "17:00"])
            #expect(garbled.0 == .unprocessableEntity)
            #expect(garbled.1.contains("开始时间须为 00:00–23:59") && garbled.1.contains("重复") && garbled.1.contains(#"value="25:99""#))
            let empty = try await lead.post("/workforce/setup/templates", [:])
            #expect(empty.0 == .unprocessableEntity && empty.1.contains("至少需要一个班次"))
            #expect(try await WorkforceSettings.templates(try await WorkforceCompany.named(nil, on: app.db)).count == 2)
        }
    }

    @Test func rosteringRulesAreLabelledNumbers() async throws {
        try await withKefu { app, _ in
            let admin = try await PageSession.signIn(app, "9001")
            let form = ["maxAverageWeeklyHours": "37.5", "minRestHours": "11", "maxConsecutiveDays": "5", "maxNightsInARow": "2",
                        "reservePerDay": "3", "holidayStandby": "6", "monthStartDays": "4"]
            #expect(try await admin.post("/workforce/setup/rules", form).0 == .seeOther)
            #expect(try await WorkforceSettings.rules(try await WorkforceCompany.named(nil, on: app.db)) == RosterRules(maxAverageWeeklyHours: 37.5, minRestHours: 11, maxConsecutiveDays: 5,
                                                                                 maxNightsInARow: 2, reservePerDay: 3, holidayStandby: 6, monthStartDays: 4))
            let shown = try await admin.get("/workforce/setup")
            #expect(shown.1.contains(#"name="maxAverageWeeklyHours" value="37.5""#) && shown.1.contains("两班最少间隔") && shown.1.contains("小时"))

            var bad = form
            bad["maxAverageWeeklyHours"] = "48"
            bad["holidayStandby"] = "九"
            bad["reservePerDay"] = "1e308"
            let refused = try await admin.post("/workforce/setup/rules", bad)
            #expect(refused.0 == .unprocessableEntity)
            #expect(refused.1.contains("平均周工时上限必须大于 0 且不超过 40 小时"))
            #expect(refused.1.contains("节假日应急台席须为整数") && refused.1.contains("每日应急备班须为整数"))
            #expect(refused.1.contains(#"value="48""#) && refused.1.contains(#"value="九""#) && refused.1.contains(#"value="1e308""#))
            #expect(try await WorkforceSettings.rules(try await WorkforceCompany.named(nil, on: app.db)).maxAverageWeeklyHours == 37.5)
        }
    }

    @Test func workforceSetupIsRefusedToOtherRoles() async throws {
        try await withKefu { app, _ in
            for workId in ["1001", "4001", "5001"] {
                let s = try await PageSession.signIn(app, workId)
                #expect(try await s.get("/workforce/setup").0 == .forbidden, "\(workId)")
                #expect(try await s.post("/workforce/setup/templates", Self.templatesForm).0 == .forbidden, "\(workId)")
                #expect(try await s.post("/workforce/setup/rules", ["maxAverageWeeklyHours": "40"]).0 == .forbidden, "\(workId)")
            }
            #expect(try await WorkforceSettings.templates(try await WorkforceCompany.named(nil, on: app.db)) == ShiftTemplate.defaults)
        }
    }

    /// The form the page shows for the seed policy, as a browser would send it back.
    static func policyForm(_ p: EmergencyPolicy) -> [String: String] {
        var f: [String: String] = [
            "physicalSeats": String(p.physicalSeats), "targetOccupancy": "85", "releaseWaitingAtMost": String(p.release.waitingAtMost),
            "releaseSustainMinutes": "5", "releaseOrder": p.release.order.rawValue, "nightEnabled": "on",
            "nightStart": "22:00", "nightEnd": "08:00", "nightTimeZone": p.nightMode.timeZone,
        ]
        for (i, s) in p.stages.enumerated() {
            f["day\(i)_kind"] = s.kind.rawValue; f["day\(i)_above"] = String(s.trigger.above)
            f["day\(i)_atMost"] = s.trigger.atMost.map(String.init) ?? ""; f["day\(i)_sustain"] = String(s.sustainSeconds / 60)
            f["day\(i)_group"] = s.groups.first?.rawValue ?? ""
            f["day\(i)_minSeats"] = s.minSeats.map(String.init) ?? ""; f["day\(i)_maxSeats"] = s.maxSeats.map(String.init) ?? ""
        }
        for (i, s) in p.nightMode.stages.enumerated() {
            f["night\(i)_kind"] = s.kind.rawValue; f["night\(i)_above"] = String(s.trigger.above)
            f["night\(i)_atMost"] = ""; f["night\(i)_sustain"] = String(s.sustainSeconds / 60)
            for g in s.groups { f["night\(i)_g_\(g.rawValue)"] = "on" }
            f["night\(i)_keep"] = s.keepSupervisors.map(String.init) ?? ""
        }
        return f
    }

    @Test func emergencyPolicyIsAFormPerStage() async throws {
        try await withKefu { app, _ in
            let admin = try await PageSession.signIn(app, "9001")
            let page = try await admin.get("/admin/emergency")
            #expect(page.0 == .ok)
            #expect(page.1.contains(#"name="day0_group""#) && page.1.contains("流动专家组") && page.1.contains("持续（分钟）"))
            #expect(page.1.contains(#"name="night0_g_qc" value="on" checked"#))
            #expect(page.1.contains(#"<option value="reverse" selected>"#) && page.1.contains("后调入的先签出"))

            // The page's own values, sent back unchanged, are the seed policy.
            #expect(try await admin.post("/admin/emergency", Self.policyForm(.seedDefault)).0 == .seeOther)
            #expect(try await EmergencyCoordinator.policy(company: try await TenantFixture.defaultCompanyID(app), on: app.db) == .seedDefault)

            // Swap the order of the outbound and QC steps, 3 minutes, 40 seats, night 23:00–07:00.
            var f = Self.policyForm(.seedDefault)
            (f["day1_group"], f["day2_group"]) = (f["day2_group"], f["day1_group"])
            f["day0_sustain"] = "3"; f["physicalSeats"] = "40"; f["nightStart"] = "23:00"; f["nightEnd"] = "07:00"
            f["releaseOrder"] = "sign_in_order"
            #expect(try await admin.post("/admin/emergency", f).0 == .seeOther)
            let saved = try await EmergencyCoordinator.policy(company: try await TenantFixture.defaultCompanyID(app), on: app.db)
            #expect(saved.stages.map { $0.groups.first } == [.floatingExperts, .qc, .outbound, .backOffice, nil, nil])
            #expect(saved.stages[0].sustainSeconds == 180 && saved.physicalSeats == 40 && saved.release.order == .signInOrder)
            #expect(saved.nightMode.startMinute == 23 * 60 && saved.nightMode.endMinute == 7 * 60)
            let shown = try await admin.get("/admin/emergency")
            #expect(shown.1.contains(#"name="physicalSeats" value="40""#) && shown.1.contains(#"value="23:00""#))

            // A group pulled in twice, an upper bound below the lower, a sign-out level above every trigger, no seats:
            // refused with KefuCore's reasons, everything typed kept.
            var bad = f
            bad["day3_group"] = "qc"
            bad["day0_atMost"] = "2"
            bad["releaseWaitingAtMost"] = "50"
            bad["physicalSeats"] = "0"
            bad["day4_sustain"] = "两分钟"
            let refused = try await admin.post("/admin/emergency", bad)
            #expect(refused.0 == .unprocessableEntity)
            #expect(refused.1.contains("持续时间须为分钟数"))
            #expect(refused.1.contains(#"value="两分钟""#) && refused.1.contains(#"value="50""#))
            bad["day4_sustain"] = "5"
            let refused2 = try await admin.post("/admin/emergency", bad)
            #expect(refused2.0 == .unprocessableEntity)
            #expect(refused2.1.contains("已在第2步调入，不能重复调入"))
            #expect(refused2.1.contains("触发上限（≤2）必须大于下限（&gt;5）"))
            #expect(refused2.1.contains("签出阈值（≤50）不能高于最低的触发下限"))
            #expect(refused2.1.contains("物理台席数必须大于 0"))
            #expect(refused2.1.contains(#"name="physicalSeats" value="0""#) && refused2.1.contains(#"name="day0_atMost" value="2""#))
            #expect(refused2.1.contains("row-error"))
            // No stages at all.
            let none = bad.filter { !$0.key.hasPrefix("day") }
            #expect(try await admin.post("/admin/emergency", none).1.contains("至少需要一个应急步骤"))
            #expect(try await EmergencyCoordinator.policy(company: try await TenantFixture.defaultCompanyID(app), on: app.db) == saved)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "emergency.policy_saved").count() == 2)

            for workId in ["3001", "1001"] {
                let s = try await PageSession.signIn(app, workId)
                #expect(try await s.get("/admin/emergency").0 == .forbidden)
                #expect(try await s.post("/admin/emergency", f).0 == .forbidden)
            }
        }
    }

    static let ivrForm: [String: String] = [
        "hotline": "95000", "welcome": "欢迎致电{company}客服热线{hotline}，{workId}号为您服务", "waitOfferSeconds": "40",
        "waitOfferPrompt": "继续等待请按1", "voicemailPrompt": "请留言", "root": "main",
        "menu0_id": "main", "menu0_prompt": "宽带请按1，账单请按2，留言请按0",
        "menu0_opt0_key": "1", "menu0_opt0_label": "宽带业务", "menu0_opt0_target": "queue:broadband", "menu0_opt0_detail": "",
        "menu0_opt1_key": "2", "menu0_opt1_label": "账单", "menu0_opt1_target": "menu", "menu0_opt1_detail": "bills",
        "menu0_opt2_key": "0", "menu0_opt2_label": "留言", "menu0_opt2_target": "voicemail", "menu0_opt2_detail": "",
        "menu1_id": "bills", "menu1_prompt": "营业时间请按1，返回请按*",
        "menu1_opt0_key": "1", "menu1_opt0_label": "营业时间", "menu1_opt0_target": "info", "menu1_opt0_detail": "每天 8:00–20:00",
        "menu1_opt1_key": "*", "menu1_opt1_label": "返回", "menu1_opt1_target": "back", "menu1_opt1_detail": "",
        "menu1_opt2_key": "", "menu1_opt2_label": "", "menu1_opt2_target": "", "menu1_opt2_detail": "",
        "menu2_id": "", "menu2_prompt": "", "menu2_opt0_key": "", "menu2_opt0_label": "", "menu2_opt0_target": "", "menu2_opt0_detail": "",
    ]

    @Test func ivrTargetsAreChosenByChineseName() async throws {
        try await withKefu { app, u in
            let admin = try await PageSession.signIn(app, "9001")
            let page = try await admin.get("/admin/ivr?keys=2")
            #expect(page.0 == .ok)
            #expect(page.1.contains(#"<option value="queue:broadband" selected>转人工：宽带业务队列</option>"#))
            #expect(page.1.contains("转人工：呼入队列"))
            #expect(!page.1.contains("queue:broadband</"))
            #expect(page.1.contains("转人工：投诉建议队列"))

            #expect(try await admin.post("/admin/ivr", Self.ivrForm).0 == .seeOther)
            let menu = try await mainIVR(app)
            #expect(menu.menus.map(\.id) == ["main", "bills"])
            #expect(menu.menus[0].options.map(\.target) == [.queue("broadband"), .menu("bills"), .voicemail])
            #expect(menu.menus[1].options.map(\.target) == [.info("每天 8:00–20:00"), .back])
            // The switch's JSON keeps the codes.
            let exported = try await api(app, .GET, "/ivr", token: u.admin)
            let menus = exported["menus"] as? [[String: Any]] ?? []
            let firstTarget = (menus.first?["options"] as? [[String: Any]])?.first?["target"] as? [String: Any]
            #expect(firstTarget?["type"] as? String == "queue" && firstTarget?["value"] as? String == "broadband")
            let shown = try await admin.get("/admin/ivr?keys=1")
            #expect(shown.1.contains(#"<option value="menu:bills" selected>"#) && shown.1.contains(#"value="每天 8:00–20:00""#))
            #expect(shown.1.contains("转人工：宽带业务队列："))

            // An info key without text and a menu that does not exist: refused with the reasons, typed values kept.
            var bad = Self.ivrForm
            bad["menu1_opt0_detail"] = ""
            bad["menu0_opt1_detail"] = "nowhere"
            bad["menu0_opt0_label"] = "宽带（新）"
            let refused = try await admin.post("/admin/ivr", bad)
            #expect(refused.0 == .unprocessableEntity)
            #expect(refused.1.contains("请填写播报内容"))
            #expect(refused.1.contains(#"value="宽带（新）""#))
            bad["menu1_opt0_detail"] = "每天"
            let dangling = try await admin.post("/admin/ivr", bad)
            #expect(dangling.0 == .unprocessableEntity)
            #expect(dangling.1.contains("不存在的菜单「nowhere」") && dangling.1.contains(#"value="nowhere""#))
            #expect(try await mainIVR(app).version == 2)

            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.get("/admin/ivr").0 == .forbidden)
            #expect(try await lead.post("/admin/ivr", Self.ivrForm).0 == .forbidden)
        }
    }

    @Test func forecastMethodsHaveChineseNames() async throws {
        #expect(ForecastMethod.holtWinters.label == "霍尔特-温特斯指数平滑")
        #expect(ForecastMethod.label(of: "wacc") == "加权同期平均" && ForecastMethod.label(of: "auto") == "自动选择")
        try await withKefu { app, _ in
            let lead = try await PageSession.signIn(app, "3001")
            let hub = try await lead.get("/workforce")
            #expect(hub.0 == .ok)
            #expect(hub.1.contains(#"<option value="holt-winters">霍尔特-温特斯指数平滑</option>"#))
            #expect(hub.1.contains(#"<option value="wacc">加权同期平均</option>"#) && hub.1.contains("自动选择"))
            #expect(!hub.1.contains(">Holt-Winters<"))
        }
    }
}
