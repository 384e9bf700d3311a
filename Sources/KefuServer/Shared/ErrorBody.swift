import Vapor

/// The JSON body of every API error: `{"error": code, "reason": text}` (+ field problems on 422).
struct ErrorBody: Content {
    var error: String
    var reason: String
    var fields: [FieldProblemDTO]?
}
