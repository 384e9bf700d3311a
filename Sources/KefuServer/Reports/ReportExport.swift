import Foundation
import KefuCore

/// The order report as a table for Excel (CSV with a byte-order mark) and as JSON, the same
/// for the page's download and for `kefu report`.
enum ReportExport {
    static func table(_ r: OrderReports.Result) -> (headers: [String], rows: [[String]]) {
        let headers = [r.grouping.label, "代码"] + ReportDefinitions.orderColumns
        let rows = r.rows.map { [$0.label, $0.key] + ReportDefinitions.orderCells($0.totals) }
            + [["合计", ""] + ReportDefinitions.orderCells(r.total)]
        return (headers, rows)
    }

    static func csv(_ r: OrderReports.Result) -> String {
        let t = table(r)
        return CSVDownload.document(headers: t.headers, rows: t.rows)
    }
}
