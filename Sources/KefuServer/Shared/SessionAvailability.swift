import Vapor

/// Vapor traps (`fatalError`) when `request.session` is read on a request that never passed
/// the sessions middleware — which is every request refused before it (a static-file path
/// the file middleware rejects, a malformed URL). This marker, installed right after the
/// sessions middleware, lets the error page and the layout ask first instead of crashing.
struct SessionAvailabilityMarker: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        request.storage[SessionAvailableKey.self] = true
        let response = try await next.respond(to: request)
        // Only sessions that exist (a cookie matched, or this request started one): a
        // cookie-less request for a stylesheet must not create a session.
        // The stamp moves at most once a minute (purging works in hours), so a polling page
        // leaves its session unchanged and unwritten (QuietSessions).
        if request.hasSession {
            let now = Int(Date().timeIntervalSince1970)
            let last = request.session.data[SessionActivity.key].flatMap(Int.init) ?? 0
            if now - last >= SessionActivity.resolutionSeconds {
                request.session.data[SessionActivity.key] = String(now)
            }
        }
        return response
    }
}

private struct SessionAvailableKey: StorageKey { typealias Value = Bool }

extension Request {
    /// Whether `session` may be read on this request.
    var sessionAvailable: Bool { storage[SessionAvailableKey.self] ?? false }

    /// Redirects after a successful form post and shows `notice` once on the next page.
    /// Notices travel in the server-side session, never in the URL, so nobody can make the
    /// center's official green banner say what a crafted link wants.
    func redirect(to path: String, notice: String) -> Response {
        if sessionAvailable { session.data[FlashNotice.key] = notice }
        return redirect(to: path)
    }

    /// The notice left by the previous form post, removed as it is read.
    func takeFlashNotice() -> String? {
        guard sessionAvailable, let notice = session.data[FlashNotice.key] else { return nil }
        session.data[FlashNotice.key] = nil
        return notice
    }
}

enum FlashNotice {
    static let key = "flash"
}
