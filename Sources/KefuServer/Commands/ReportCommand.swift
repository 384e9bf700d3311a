import Foundation
import Vapor
import KefuCore

/// `kefu report --kind orders --from YYYY-MM-DD --to YYYY-MM-DD --format csv|xlsx|json
/// --out FILE [--group-by type|channel|branch|department|priority|day] [--company CODE]`:
/// the period report of the reports page, for scripts and for mailing to the board. Bad
/// input is refused with a message on stderr and exit status 1; nothing is written then.
struct ReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "kind", help: "orders") var kind: String?
        @Option(name: "from", help: "First day, YYYY-MM-DD") var from: String?
        @Option(name: "to", help: "Last day, YYYY-MM-DD") var to: String?
        @Option(name: "format", help: "csv, xlsx or json") var format: String?
        @Option(name: "out", help: "File to write (/dev/stdout for standard output, csv and json only)") var out: String?
        @Option(name: "group-by", help: "type (default), channel, branch, department, priority or day") var groupBy: String?
        @Option(name: "company", help: "Company code (default: every company)") var company: String?
    }
    var help: String { "Write a period report (orders) as CSV, XLSX or JSON" }

    enum Format: String { case csv, xlsx, json }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("kefu report: \(message)\n".utf8))
        exit(1)
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard (signature.kind ?? "orders") == "orders" else { Self.fail("--kind must be orders") }
        guard let format = Format(rawValue: signature.format ?? "") else { Self.fail("--format must be csv, xlsx or json") }
        guard let out = signature.out, !out.isEmpty else { Self.fail("--out FILE is required") }
        let toStandardOutput = out == "-" || out == "/dev/stdout"
        if toStandardOutput && format == .xlsx { Self.fail("xlsx cannot be written to standard output; give --out FILE.xlsx") }
        let range: ClosedRange<LocalDay>, grouping: OrderReportGrouping
        do {
            (range, grouping) = try ReportAPI.parse(.init(from: signature.from, to: signature.to, groupBy: signature.groupBy))
        } catch let e as KefuError {
            Self.fail(e.fields.first.map { "--\($0.field == "groupBy" ? "group-by" : $0.field): \($0.message)" } ?? e.reason)
        }
        let system = TenantData.system(app.db)
        var filter = TenantFilter()
        if let code = signature.company, !code.isEmpty {
            do { filter = try await TenantFilter.resolve(company: code, branch: nil, tenant: system) } catch let e as KefuError { Self.fail(e.reason) }
        }
        let report = try await OrderReports(tenant: system, timeZone: app.kefu.settings.timeZone).report(range, groupBy: grouping, filter: filter)
        let data: Data
        switch format {
        case .csv:
            data = Data(ReportExport.csv(report).utf8)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            data = try encoder.encode(ReportAPI.dto(report))
        case .xlsx:
            let table = ReportExport.table(report)
            do {
                try XLSXWriter().write(path: out, sheet: "工单报表", headers: table.headers, rows: table.rows)
            } catch let e as XLSXWriter.Failure { Self.fail(e.description) }
            context.console.print("wrote \(out): \(report.rows.count) group(s), \(report.total.count) order(s)")
            return
        }
        if toStandardOutput {
            FileHandle.standardOutput.write(data)
            return
        }
        do { try data.write(to: URL(fileURLWithPath: out), options: .atomic) } catch { Self.fail("cannot write \(out): \(error.localizedDescription)") }
        context.console.print("wrote \(out): \(report.rows.count) group(s), \(report.total.count) order(s)")
    }
}
