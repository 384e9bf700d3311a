import Vapor
import Fluent

/// Fluent's session store, minus the writes that change nothing. Vapor's sessions middleware
/// saves the session at the end of every request that has one, changed or not; on a floor of
/// agents whose workspaces poll, that is one write transaction per poll, queued behind the
/// order creates on SQLite's single writer. Here a session whose data is what was read is
/// not written again (the activity stamp in `SessionAvailabilityMarker` is coarse for the
/// same reason).
struct QuietSessions: SessionDriver {
    let base: any SessionDriver

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        base.createSession(data, for: request)
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        base.readSession(sessionID, for: request).map { data in
            request.storage[ReadSessionKey.self] = data
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if let read = request.storage[ReadSessionKey.self], read == data {
            return request.eventLoop.makeSucceededFuture(sessionID)
        }
        return base.updateSession(sessionID, to: data, for: request)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        base.deleteSession(sessionID, for: request)
    }
}

private struct ReadSessionKey: StorageKey { typealias Value = SessionData }
