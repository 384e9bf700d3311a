import Vapor
import KefuCore

/// Renders every failure: JSON `{"error","reason"}` under /api, a Chinese page elsewhere,
/// and a redirect to the login page when a browser is not signed in. Never leaks internals.
struct KefuErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (status, code, rawReason, fields) = Self.describe(error)
            let reason = SecretRedaction.redact(rawReason)
            if status.code >= 500 {
                request.logger.report(error: error)
            }
            let headers = (error as? AbortError)?.headers ?? [:]
            // The API, and page scripts that ask for JSON (the chat box), get the JSON body.
            let wantsJSON = request.asksForJSON && request.method != .GET
            if request.url.path.hasPrefix("/api/") || wantsJSON {
                let res = Response(status: status, headers: headers)
                try res.content.encode(ErrorBody(error: code, reason: reason, fields: fields.isEmpty ? nil : fields), as: .json)
                return res
            }
            if status == .unauthorized {
                let target = SafeRedirect.localPath(request.url.path) ?? "/"
                return request.redirect(to: "/login?next=\(target.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "/")")
            }
            // Rendering the page must not be able to fail the request a second time: a
            // template or session problem falls back to a plain page with the same reason.
            do {
                let user = request.auth.get(User.self)
                let ctx = ErrorPageContext(page: PageContext(request, user: user, title: "出错了"), status: Int(status.code), code: code, reason: reason)
                let view = try await request.view.render("error", ctx)
                let res = try await view.encodeResponse(for: request)
                res.status = status
                for (name, value) in headers { res.headers.replaceOrAdd(name: name, value: value) }
                return res
            } catch {
                request.logger.report(error: error)
                var plain = headers
                plain.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
                return Response(status: status, headers: plain, body: .init(string: "\(status.code) \(reason)\n"))
            }
        }
    }

    static func describe(_ error: Error) -> (HTTPResponseStatus, String, String, [FieldProblemDTO]) {
        switch error {
        case let e as KefuError:
            return (e.status, e.code, e.reason, e.fields)
        case let e as DecodingError:
            return (.badRequest, "bad_request", "请求内容格式错误：\(Self.describeDecoding(e))", [])
        case let e as AbortError:
            // Vapor's own aborts carry the English status phrase as their reason ("Bad Request");
            // people are shown Chinese, with Vapor's detail only when it says more than that.
            let detail: String? = e.reason == e.status.reasonPhrase || e.reason.isEmpty ? nil : e.reason
            let code: String
            let reason: String
            switch e.status {
            case .badRequest: code = "bad_request"; reason = detail.map { "请求格式错误：\($0)" } ?? "请求格式错误，请检查地址和参数。"
            case .unauthorized: code = "unauthenticated"; reason = "请先登录。"
            case .forbidden: code = "forbidden"; reason = "无权访问。"
            case .notFound: code = "not_found"; reason = "页面或对象不存在。"
            case .methodNotAllowed: code = "method_not_allowed"; reason = "不支持该请求方法。"
            case .payloadTooLarge: code = "payload_too_large"; reason = "请求内容过大。"
            case .unsupportedMediaType: code = "unsupported_media_type"; reason = "不支持的内容类型，请使用 application/json。"
            case .unprocessableEntity: code = "validation_failed"; reason = detail ?? "提交的内容无法处理。"
            case .conflict: code = "conflict"; reason = detail ?? "操作与当前状态冲突，请刷新后重试。"
            case .tooManyRequests: code = "rate_limited"; reason = "请求过于频繁，请稍后再试。"
            default:
                code = e.status.code >= 500 ? "internal_error" : "error"
                reason = e.status.code >= 500 ? "服务器内部错误，请稍后重试。" : (detail ?? "请求无法完成（\(e.status.code)）。")
            }
            return (e.status, code, reason, [])
        default:
            return (.internalServerError, "internal_error", "服务器内部错误，请稍后重试。", [])
        }
    }

    static func describeDecoding(_ e: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            return p.isEmpty ? "请求体" : "字段 \(p)"
        }
        switch e {
        case .keyNotFound(let key, _): return "缺少字段 \(key.stringValue)"
        case .typeMismatch(_, let ctx): return "\(path(ctx)) 类型不正确"
        case .valueNotFound(_, let ctx): return "\(path(ctx)) 不能为空"
        case .dataCorrupted(let ctx): return "\(path(ctx)) 无法解析"
        @unknown default: return "无法解析"
        }
    }
}

struct ErrorPageContext: Encodable {
    var page: PageContext
    var status: Int
    var code: String
    var reason: String
}
