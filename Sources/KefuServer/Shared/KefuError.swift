import Vapor

/// The one error type request handlers throw: a stable machine code for API clients and a
/// Chinese reason for people. The error middleware renders it as JSON or as a page.
public struct KefuError: AbortError, Sendable {
    public var status: HTTPResponseStatus
    public var code: String
    public var reason: String
    public var fields: [FieldProblemDTO]
    /// Extra response headers (`Retry-After` on 429).
    public var headers: HTTPHeaders = [:]

    public init(_ status: HTTPResponseStatus, _ code: String, _ reason: String, fields: [FieldProblemDTO] = []) {
        self.status = status; self.code = code; self.reason = reason; self.fields = fields
    }

    public static func notFound(_ what: String) -> KefuError { .init(.notFound, "not_found", "\(what)不存在。") }
    public static func forbidden(_ reason: String = "您的角色无权执行此操作。") -> KefuError { .init(.forbidden, "forbidden", reason) }
    public static let unauthenticated = KefuError(.unauthorized, "unauthenticated", "请先登录。")
    public static func conflict(_ code: String, _ reason: String) -> KefuError { .init(.conflict, code, reason) }
    public static func badRequest(_ reason: String) -> KefuError { .init(.badRequest, "bad_request", reason) }
    public static func invalid(_ problems: [FieldProblemDTO]) -> KefuError {
        .init(.unprocessableEntity, "validation_failed", problems.map(\.message).joined(separator: "；"), fields: problems)
    }
}

extension KefuError {
    /// A refusal as a page's notice says it: what was wrong with each field, else the reason.
    func noticeText(separator: String = "；") -> String {
        let detail = fields.map(\.message).joined(separator: separator)
        return detail.isEmpty ? reason : detail
    }
}

public struct FieldProblemDTO: Content, Sendable, Equatable {
    public var field: String
    public var message: String
}

import KefuCore
extension FieldProblemDTO {
    init(_ p: FieldProblem) { self.init(field: p.field, message: p.message) }
}
