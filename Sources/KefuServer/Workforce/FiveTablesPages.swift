import Vapor
import KefuCore

/// The five tables page (五表, R4.3) and each table as CSV for Excel.
struct FiveTablesPages {
    func register(_ routes: RoutesBuilder) {
        let read = routes.requiring(.workforceRead)
        read.get("workforce", "tables", use: page)
        read.get("workforce", "tables", ":number", use: csv)
    }

    struct Context: Encodable {
        var page: PageContext; var company: WorkforceCompanyPicker; var month: String; var previous: String; var next: String; var tables: [FiveTables.Table]
    }

    func month(_ req: Request) throws -> String {
        if let m = req.query[String.self, at: "month"] {
            guard WorkforceSettings.month(m) != nil else { throw KefuError.invalid([.init(field: "month", message: "月份须为 YYYY-MM 格式")]) }
            return m
        }
        return WorkforceSettings.monthText(LocalDay(req.now, in: req.kefu.settings.timeZone))
    }

    func page(req: Request) async throws -> View {
        let m = try month(req)
        let company = try await req.workforceCompany(.read)
        let tables = try await FiveTables(company: company, timeZone: req.kefu.settings.timeZone).build(month: m)
        var picker = try await WorkforceCompanyPicker.make(company, tenant: try await req.tenant())
        picker.month = m
        return try await req.view.render("workforce_tables", Context(page: PageContext(req, user: try req.user(), title: "五表 \(m)"),
                                                                     company: picker, month: m,
                                                                     previous: WorkforceSettings.previousMonth(m) ?? m, next: WorkforceSettings.nextMonth(m) ?? m,
                                                                     tables: tables))
    }

    /// `/workforce/tables/3.csv?month=2026-11`
    func csv(req: Request) async throws -> Response {
        let name = req.parameters.get("number") ?? ""
        guard name.hasSuffix(".csv"), let n = Int(name.dropLast(4)), (1...5).contains(n) else { throw KefuError.notFound("表") }
        let m = try month(req)
        let company = try await req.workforceCompany(.read)
        let tables = try await FiveTables(company: company, timeZone: req.kefu.settings.timeZone).build(month: m)
        return CSVDownload.response(CSVDownload.document(headers: tables[n - 1].headers, rows: tables[n - 1].rows),
                                    filename: "five-tables-\(company.code)-\(n)-\(m).csv")
    }
}
