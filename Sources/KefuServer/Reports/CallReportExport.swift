import Foundation
import KefuCore

/// The telephony report as one table for Excel: the period, then each queue, interval and
/// day, then each agent; the same for the page's CSV and for `kefu report --kind calls`.
enum CallReportExport {
    static let headers = ["分组", "名称", "呼入量", "接通", "阈值内接通", "放弃", "转留言", "接通率", "SL1", "SL2", "ASA（秒）", "AHT（秒）", "占用率"]

    static func table(_ r: TelephonyReport, interval step: TelephonyInterval) -> (headers: [String], rows: [[String]]) {
        func seconds(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "" }
        func row(_ group: String, _ name: String, _ f: QueueCallFigures, _ occupancy: Double?) -> [String] {
            [group, name, "\(f.totals.offered)", "\(f.totals.answered)", "\(f.totals.answeredWithinThreshold)", "\(f.totals.abandoned)",
             "\(f.totals.voicemail)", ReportPages.percent(f.totals.answerRate), ReportPages.percent(f.totals.serviceLevel),
             ReportPages.percent(f.totals.serviceLevel2), seconds(f.averageSpeedOfAnswer), seconds(f.averageHandlingTime), ReportPages.percent(occupancy)]
        }
        var rows = [row("合计", "\(r.range.lowerBound) 至 \(r.range.upperBound)", r.total, r.floorTotal.occupancy)]
        rows += r.byQueue.map { row("队列", $0.queue, $0.figures, $0.figures.occupancy) }
        rows += r.byInterval(step).map { row("时段", TelephonyReport.clock($0.minute), $0.figures, $0.floor.occupancy) }
        rows += r.byDay.map { row("日期", $0.day.description, $0.figures, nil) }
        rows += r.byAgent.map { a in
            let f = a.figures
            return ["坐席", a.workId, "", "\(f.answered)", "", "", "", "", "", "", "", seconds(f.averageHandlingTime), ReportPages.percent(f.occupancy)]
        }
        return (headers, rows)
    }
}
