import Foundation
import Testing
@testable import KefuCore

@Suite struct TierPolicyTests {
    @Test func amountsAreReadAndWrittenInFen() {
        #expect(Money.fen("12,345.67") == 1_234_567)
        #expect(Money.fen("¥1000") == 100_000)
        #expect(Money.fen("0.1") == 10)
        #expect(Money.fen("-300") == -30_000)
        #expect(Money.fen("1.234") == nil)
        #expect(Money.fen("abc") == nil)
        #expect(Money.fen("") == nil)
        #expect(Money.fen("１００") == nil)
        #expect(Money.format(1_234_567) == "¥12,345.67")
        #expect(Money.format(-30_000) == "-¥300.00")
        #expect(Money.format(5) == "¥0.05")
    }

    @Test func valueNotContactsDecidesTheTier() {
        let p = TierPolicy.seedDefault
        #expect(p.tier(forFen: 100_000_00) == .vip)
        #expect(p.tier(forFen: 99_999_99) == .major)
        #expect(p.tier(forFen: 1_000_00) == .normal)
        #expect(p.tier(forFen: 0) == .small)
        #expect(p.tier(forFen: -5_00) == .small)
        let up = p.decide(current: .normal, valueFen: 150_000_00, periodsWithData: 3)
        #expect(up?.tier == .vip)
        #expect(up?.reason.contains("达到「VIP客户」门槛 ¥100,000.00") == true)
        // No figure in the window: the tier stays; same tier: nothing to record.
        #expect(p.decide(current: .vip, valueFen: 0, periodsWithData: 0) == nil)
        #expect(p.decide(current: .major, valueFen: 30_000_00, periodsWithData: 12) == nil)
    }

    @Test func theMetalSchemeRenamesTheSameFourRanks() {
        var p = TierPolicy.seedDefault
        p.names = TierPolicy.Scheme.metals.names
        #expect(p.label(.vip) == "铂金层级")
        #expect(p.label(.small) == "重铅层级")
        #expect(p.problems().isEmpty)
    }

    @Test func aBadPolicyIsRefusedFieldByField() {
        var p = TierPolicy.seedDefault
        p.months = 0
        p.minimumsFen = [10, 20, 5]
        p.names = ["甲", "甲", "", "丁"]
        let fields = Set(p.problems().map(\.field))
        #expect(fields == ["months", "minimums", "names", "name2"])
    }

    @Test func theWindowIsTheCompleteMonthsBefore() {
        var p = TierPolicy.seedDefault
        p.months = 3
        #expect(p.window(beforeMonth: "2026-02") == ["2025-11", "2025-12", "2026-01"])
        #expect(CustomerPeriod("2026/11")?.text == "2026-11")
        #expect(CustomerPeriod("202611")?.text == "2026-11")
        #expect(CustomerPeriod("2026-13") == nil)
        #expect(CustomerPeriod("26-11") == nil)
    }

    @Test func theValueSheetReportsBadLinesAndKeepsTheGoodOnes() throws {
        let csv = "电话,账期,收入,利润\n13800138000,2026-11,\"12,000.50\",300\n12345,2026-11,1,1\n13900139000,2026-13,1,1\n13900139000,2026-10,,\n13800138000,2026-11,1,1\n+86 21 5555 0000,,8000,\n"
        let parsed = try CustomerValueCSV.parse(csv, period: CustomerPeriod("2026-09")).get()
        #expect(parsed.rows.map(\.line) == [2, 7])
        #expect(parsed.rows[0].revenueFen == 1_200_050 && parsed.rows[0].profitFen == 30_000)
        #expect(parsed.rows[1].phone == "02155550000" && parsed.rows[1].period.text == "2026-09")
        #expect(parsed.problems.map(\.line) == [3, 4, 5, 6])
        // Without a period column or a month named, the file is refused as a whole.
        guard case .failure = CustomerValueCSV.parse("电话,收入\n13800138000,1\n", period: nil) else { Issue.record("accepted"); return }
    }
}
