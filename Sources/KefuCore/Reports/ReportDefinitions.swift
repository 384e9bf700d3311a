import Foundation

/// How each figure of the order reports is counted, printed under the tables so a reader
/// (and an auditor) knows what a rate means; `OrderFacts` computes exactly this.
public enum ReportDefinitions {
    public static let orders: [String] = [
        "工单按受理日期（中心时区）归入统计期；同一工单的结单、超时、重开等结果随工单变化实时更新到其受理日。",
        "首问解决：已结单、从未转派部门（无督办单）且从未重开的工单；首问解决率 = 首问解决 ÷ 已结单。",
        "时限超时：首次响应晚于响应时限、解决晚于解决时限，或因超时被升级；时限达标：已解决或已结单且未超时；达标率 = 达标 ÷（达标 + 超时）。",
        "升级：被时限巡检升级，或其督办单被升级。重开率 = 重开过的工单 ÷ 工单数。重复工单：被标记为另一工单的重复。",
        "回访满意度：每张工单最后一次接通且评分（1–5 分）的回访，样本数随表列出（R10.4）。",
    ]

    /// The report table's header after the grouping's own column.
    public static let orderColumns = ["工单数", "已结单", "首问解决", "首问解决率", "时限达标", "时限超时", "达标率", "升级", "重开", "重复", "满意度", "满意度样本"]

    /// One table line of figures, as CSV and the CLI write it (rates in percent, one decimal).
    public static func orderCells(_ t: OrderTotals) -> [String] {
        func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "" }
        return ["\(t.count)", "\(t.closed)", "\(t.firstContactResolved)", percent(t.firstContactRate), "\(t.slaMet)", "\(t.slaBreached)",
                percent(t.slaRate), "\(t.escalated)", "\(t.reopened)", "\(t.duplicates)",
                t.averageSatisfaction.map { String(format: "%.2f", $0) } ?? "", "\(t.sampled)"]
    }
}
