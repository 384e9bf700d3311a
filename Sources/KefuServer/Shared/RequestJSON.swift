import Vapor

extension Request {
    /// A page script asking for JSON names it explicitly. Vapor's media-type equality treats
    /// a browser's `*/*` as matching JSON, so the header is read literally instead.
    var asksForJSON: Bool {
        headers[.accept].contains { $0.lowercased().contains("application/json") }
    }
}
