import Vapor
import KefuCore

/// A report's period as its pages and API take it (`from`, `to`: YYYY-MM-DD), read once for
/// the hall's, the visits' and the satisfaction figures.
enum PeriodQuery {
    /// The period asked, or a 422 naming the field.
    static func range(from: String?, to: String?) throws -> ClosedRange<LocalDay> {
        switch ReportPeriod.parse(from: from, to: to) {
        case .success(let r): return r
        case .failure(let p): throw KefuError.invalid([.init(field: p.field, message: p.message)])
        }
    }

    /// A page's period as typed: the query's, else the last 30 days up to today.
    static func page(_ req: Request) -> (from: String, to: String) {
        let today = LocalDay(req.now, in: req.kefu.settings.timeZone)
        return (req.query[String.self, at: "from"] ?? today.adding(days: -29).description, req.query[String.self, at: "to"] ?? today.description)
    }
}
