import Foundation
import Vapor
import KefuCore

/// `kefu report --kind orders|calls --from YYYY-MM-DD --to YYYY-MM-DD --format csv|xlsx|json
/// --out FILE [--group-by type|channel|branch|department|priority|day] [--interval 15|30|60]
/// [--company CODE]`: the period report (orders) or the telephony report (calls) of the
/// reports pages, for scripts and for mailing to the board. Bad input is refused with a
/// message on stderr and exit status 1; nothing is written then.
struct ReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "kind", help: "orders (default) or calls") var kind: String?
        @Option(name: "from", help: "First day, YYYY-MM-DD") var from: String?
        @Option(name: "to", help: "Last day, YYYY-MM-DD") var to: String?
        @Option(name: "format", help: "csv, xlsx or json") var format: String?
        @Option(name: "out", help: "File to write (/dev/stdout for standard output, csv and json only)") var out: String?
        @Option(name: "group-by", help: "type (default), channel, branch, department, priority or day") var groupBy: String?
        @Option(name: "interval", help: "calls: interval length in minutes, 15, 30 or 60 (default)") var interval: String?
        @Option(name: "company", help: "Company code (default: every company)") var company: String?
    }
    var help: String { "Write a period report (orders or calls) as CSV, XLSX or JSON" }

    enum Kind: String { case orders, calls }

    enum Format: String { case csv, xlsx, json }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("kefu report: \(message)\n".utf8))
        exit(1)
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let kind = Kind(rawValue: signature.kind ?? "orders") else { Self.fail("--kind must be orders or calls") }
        guard let format = Format(rawValue: signature.format ?? "") else { Self.fail("--format must be csv, xlsx or json") }
        guard let out = signature.out, !out.isEmpty else { Self.fail("--out FILE is required") }
        let toStandardOutput = out == "-" || out == "/dev/stdout"
        if toStandardOutput && format == .xlsx { Self.fail("xlsx cannot be written to standard output; give --out FILE.xlsx") }
        if kind == .calls {
            try await calls(app, context: context, signature: signature, format: format, out: out, toStandardOutput: toStandardOutput)
            return
        }
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
        try emit(format, out: out, toStandardOutput: toStandardOutput, context: context, sheet: "工单报表", table: ReportExport.table(report),
                 json: { try Self.json(ReportAPI.dto(report)) }, summary: "\(report.rows.count) group(s), \(report.total.count) order(s)")
    }

    /// The telephony report: the period, queues, intervals, days and agents in one table.
    func calls(_ app: Application, context: CommandContext, signature: Signature, format: Format, out: String, toStandardOutput: Bool) async throws {
        if signature.groupBy != nil { Self.fail("--group-by is for --kind orders; calls are grouped by queue, interval, day and agent") }
        let range: ClosedRange<LocalDay>, step: TelephonyInterval
        do {
            (range, step) = try CallReportAPI.parse(from: signature.from, to: signature.to, interval: signature.interval)
        } catch let e as KefuError {
            Self.fail(e.fields.first.map { "--\($0.field): \($0.message)" } ?? e.reason)
        }
        let system = TenantData.system(app.db)
        var filter = TenantFilter()
        if let code = signature.company, !code.isEmpty {
            do { filter = try await TenantFilter.resolve(company: code, branch: nil, tenant: system) } catch let e as KefuError { Self.fail(e.reason) }
        }
        let configuration = app.live.configuration
        let report = try await CallReports(tenant: system, configuration: configuration, now: app.kefu.clock.now()).report(range, filter: filter)
        let table = CallReportExport.table(report, interval: step)
        let summary = "\(report.total.totals.offered) call(s) offered, \(report.byQueue.count) queue(s), \(report.agents.count) agent(s)"
        try emit(format, out: out, toStandardOutput: toStandardOutput, context: context, sheet: "话务报表", table: table,
                 json: { try Self.json(CallReportAPI.dto(report, interval: step, serviceLevelSeconds: configuration.serviceLevelSeconds)) },
                 summary: summary)
    }

    /// Writes the report in the asked format: the table as CSV or .xlsx, or the API's JSON.
    func emit(_ format: Format, out: String, toStandardOutput: Bool, context: CommandContext, sheet: String,
              table: (headers: [String], rows: [[String]]), json: () throws -> Data, summary: String) throws {
        let data: Data
        switch format {
        case .csv:
            data = Data(CSVDownload.document(headers: table.headers, rows: table.rows).utf8)
        case .json:
            data = try json()
        case .xlsx:
            do {
                try XLSXWriter().write(path: out, sheet: sheet, headers: table.headers, rows: table.rows)
            } catch let e as XLSXWriter.Failure { Self.fail(e.description) }
            context.console.print("wrote \(out): \(summary)")
            return
        }
        if toStandardOutput {
            FileHandle.standardOutput.write(data)
            return
        }
        do { try data.write(to: URL(fileURLWithPath: out), options: .atomic) } catch { Self.fail("cannot write \(out): \(error.localizedDescription)") }
        context.console.print("wrote \(out): \(summary)")
    }

    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
