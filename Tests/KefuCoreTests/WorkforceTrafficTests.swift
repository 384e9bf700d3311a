import Foundation
import Testing
@testable import KefuCore

private enum Traffic {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static func clock(_ minutes: Int = 30) throws -> WorkforceClock {
        try WorkforceClock(timeZone: zone, intervalMinutes: minutes)
    }
    /// Local wall time on 2026-10-01 in Shanghai.
    static func at(_ hour: Int, _ minute: Int = 0, _ second: Int = 0, day: Int = 1) -> Date {
        LocalDay(year: 2026, month: 10, day: day).start(in: zone)
            .addingTimeInterval(Double(hour * 3600 + minute * 60 + second))
    }
    static let header = "interval_start,offered,answered,abandoned,aht_seconds"

    static func reasons(_ errors: [WorkforceError]) -> [Int: String] {
        var out: [Int: String] = [:]
        for case let .badLine(line, reason) in errors { out[line] = reason }
        return out
    }
}

@Suite("Workforce traffic CSV") struct WorkforceTrafficCSVTests {
    @Test func readsBothTimeFormsSorted() throws {
        let text = """
        \(Traffic.header)
        2026-10-01T08:30:00+08:00,120,110,10,185.5
        2026-10-01 08:00,100,95,5,180
        2026-10-01T01:00:00Z,90,90,0,200
        """
        let (volumes, errors) = TrafficCSV.parse(text, clock: try Traffic.clock())
        #expect(errors.isEmpty)
        #expect(volumes.map(\.start) == [Traffic.at(8), Traffic.at(8, 30), Traffic.at(9)])
        #expect(volumes[0] == IntervalVolume(start: Traffic.at(8), offered: 100, answered: 95, abandoned: 5,
                                             ahtSeconds: 180))
        #expect(volumes[1].ahtSeconds == 185.5)
    }

    @Test func acceptsBOMCRLFAndTrailingBlankLines() throws {
        let text = "\u{FEFF}\(Traffic.header)\r\n2026-10-01 08:00,10,9,1,120\r\n2026-10-01 08:30,0,0,0,0\r\n\r\n\n  \n"
        let (volumes, errors) = TrafficCSV.parse(text, clock: try Traffic.clock())
        #expect(errors.isEmpty)
        #expect(volumes.count == 2)
        #expect(volumes[1].offered == 0)
    }

    @Test func refusesWrongHeader() throws {
        for text in ["", "start,offered,answered,abandoned,aht\n2026-10-01 08:00,1,1,0,60",
                     "interval_start,offered,answered,abandoned\n"] {
            let (volumes, errors) = TrafficCSV.parse(text, clock: try Traffic.clock())
            #expect(volumes.isEmpty)
            #expect(errors.count == 1)
            #expect(Traffic.reasons(errors)[1]?.contains("表头") == true)
        }
    }

    @Test func reportsEveryBadLineNamingTheColumn() throws {
        let rows: [(row: String, column: String)] = [
            ("2026-10-01 08:00,abc,1,0,60", "offered"),
            ("2026-10-01 08:30,10,-1,0,60", "answered"),
            ("2026-10-01 09:00,10,1,2.5,60", "abandoned"),
            ("2026-10-01 09:30,10,6,5,60", "offered"),
            ("2026-10-01 10:00,10,5,0,-3", "aht_seconds"),
            ("2026-10-01 10:30,10,5,0,0", "aht_seconds"),
            ("2026-10-01 11:10,10,5,0,60", "interval_start"),
            ("2026-10-01 08:00,10,5,0,60", "interval_start"),  // valid: line 4 (also 08:00) was refused
            ("2026-13-01 12:00,10,5,0,60", "interval_start"),
            ("2026-10-01 12:30,10,5,0", "5 列"),
            ("", "空行"),
            ("2026-10-01 13:00,10,5,0,x", "aht_seconds"),
        ]
        let good = "2026-10-01 07:30,10,5,0,60"
        let text = ([Traffic.header, good] + rows.map(\.row) + ["2026-10-01 14:00,1,1,0,30"]).joined(separator: "\n")
        let (volumes, errors) = TrafficCSV.parse(text, clock: try Traffic.clock())
        // Line 4 ("08:00", offered "abc") fails, so the later 08:00 row is not a duplicate of it.
        #expect(volumes.map(\.start) == [Traffic.at(7, 30), Traffic.at(8), Traffic.at(14)])
        let reasons = Traffic.reasons(errors)
        for (offset, expected) in rows.enumerated() where offset != 7 {
            let line = offset + 3
            #expect(reasons[line]?.contains(expected.column) == true, "line \(line): \(reasons[line] ?? "nil")")
        }
        #expect(reasons[10] == nil)
        #expect(errors.count == rows.count - 1)
    }

    @Test func duplicateStartNamesTheEarlierLine() throws {
        let text = """
        \(Traffic.header)
        2026-10-01 08:00,10,5,0,60
        2026-10-01T00:00:00Z,10,5,0,60
        """
        let (volumes, errors) = TrafficCSV.parse(text, clock: try Traffic.clock())
        #expect(volumes.count == 1)
        #expect(errors == [.badLine(line: 3, reason: "interval_start 列与第 2 行重复")])
    }

    @Test func boundaryFollowsTheIntervalLength() throws {
        let text = "\(Traffic.header)\n2026-10-01 08:15,10,5,0,60\n"
        #expect(TrafficCSV.parse(text, clock: try Traffic.clock(15)).errors.isEmpty)
        let errors = TrafficCSV.parse(text, clock: try Traffic.clock(30)).errors
        #expect(errors == [.badLine(line: 2, reason: "interval_start 列不在 30 分钟时段的起点上")])
    }

    @Test func renderRoundTrips() throws {
        let clock = try Traffic.clock()
        let volumes = [
            IntervalVolume(start: Traffic.at(0), offered: 3, answered: 2, abandoned: 1, ahtSeconds: 183.25),
            IntervalVolume(start: Traffic.at(23, 30), offered: 0, answered: 0, abandoned: 0, ahtSeconds: 0),
            IntervalVolume(start: Traffic.at(8, day: 2), offered: 40, answered: 38, abandoned: 2,
                           ahtSeconds: 1.0 / 3),
        ]
        let text = TrafficCSV.render(volumes, clock: clock)
        #expect(text.hasPrefix(Traffic.header + "\n2026-10-01T00:00:00+08:00,3,2,1,183.25\n"))
        #expect(text.contains("2026-10-01T23:30:00+08:00,0,0,0,0\n"))
        let (back, errors) = TrafficCSV.parse(text, clock: clock)
        #expect(errors.isEmpty)
        #expect(back == volumes)
    }
}

@Suite("Workforce traffic aggregation") struct WorkforceTrafficAggregatorTests {
    @Test func bucketsCallsAndFillsEmptyIntervals() throws {
        let calls = [
            TrafficAggregator.Call(arrivedAt: Traffic.at(8, 1), answeredAt: Traffic.at(8, 1, 20),
                                   endedAt: Traffic.at(8, 4, 20)),
            TrafficAggregator.Call(arrivedAt: Traffic.at(8, 29, 59), answeredAt: Traffic.at(8, 30, 30),
                                   endedAt: Traffic.at(8, 35, 30)),
            TrafficAggregator.Call(arrivedAt: Traffic.at(8, 10), abandoned: true),
            TrafficAggregator.Call(arrivedAt: Traffic.at(8, 12)),  // still queued: offered only
            TrafficAggregator.Call(arrivedAt: Traffic.at(9, 45), answeredAt: Traffic.at(9, 46)),  // in progress
            TrafficAggregator.Call(arrivedAt: Traffic.at(7, 59), answeredAt: Traffic.at(8), endedAt: Traffic.at(8, 5)),
            TrafficAggregator.Call(arrivedAt: Traffic.at(10), abandoned: true),  // at `to`: outside
        ]
        let rows = TrafficAggregator.intervals(of: calls, clock: try Traffic.clock(), from: Traffic.at(8),
                                               to: Traffic.at(10))
        #expect(rows.map(\.start) == [Traffic.at(8), Traffic.at(8, 30), Traffic.at(9), Traffic.at(9, 30)])
        #expect(rows[0] == IntervalVolume(start: Traffic.at(8), offered: 4, answered: 2, abandoned: 1,
                                          ahtSeconds: 240))
        #expect(rows[1] == IntervalVolume(start: Traffic.at(8, 30), offered: 0, answered: 0, abandoned: 0,
                                          ahtSeconds: 0))
        #expect(rows[3].offered == 1 && rows[3].answered == 1 && rows[3].ahtSeconds == 0)
    }

    @Test func crossesMidnightAndHandlesEmptyRanges() throws {
        let clock = try Traffic.clock(60)
        let rows = TrafficAggregator.intervals(of: [], clock: clock, from: Traffic.at(22), to: Traffic.at(2, day: 2))
        #expect(rows.count == 4)
        #expect(rows.last?.start == Traffic.at(1, day: 2))
        #expect(TrafficAggregator.intervals(of: [], clock: clock, from: Traffic.at(2), to: Traffic.at(2)).isEmpty)
    }

    @Test func aggregatedHistoryExportsAsCSV() throws {
        let clock = try Traffic.clock()
        let calls = (0..<20).map { index in
            TrafficAggregator.Call(arrivedAt: Traffic.at(8, index), answeredAt: Traffic.at(8, index, 10),
                                   endedAt: Traffic.at(8, index, 10 + 100 + index))
        }
        let rows = TrafficAggregator.intervals(of: calls, clock: clock, from: Traffic.at(8), to: Traffic.at(9))
        #expect(rows[0].offered == 20 && rows[0].ahtSeconds == 109.5)
        let (back, errors) = TrafficCSV.parse(TrafficCSV.render(rows, clock: clock), clock: clock)
        #expect(errors.isEmpty && back == rows)
    }
}
