import Vapor
import Fluent
import FluentPostgresDriver
import PostgresNIO
import NIOConcurrencyHelpers

/// On PostgreSQL, every `kefu serve` process LISTENs on `kefu_live` over its own connection,
/// so an event stored by any process refreshes the wallboards of all of them. The connection
/// is reopened after a failure; SQLite needs none of this (one process).
struct LiveListenerLifecycle: LifecycleHandler {
    struct TaskKey: StorageKey { typealias Value = Task<Void, Never> }
    struct ConnectionKey: StorageKey { typealias Value = NIOLockedValueBox<PostgresConnection?> }

    func didBootAsync(_ app: Application) async throws {
        guard case .postgres(let url) = app.kefu.settings.database else { return }
        let logger = app.logger
        let current = NIOLockedValueBox<PostgresConnection?>(nil)
        app.storage[ConnectionKey.self] = current
        let task = Task.detached {
            while !Task.isCancelled {
                do {
                    let config = try SQLPostgresConfiguration(url: url).coreConfiguration
                    let conn = try await PostgresConnection.connect(on: app.eventLoopGroup.next(), configuration: config, id: 1, logger: logger)
                    current.withLockedValue { $0 = conn }
                    if Task.isCancelled { try? await conn.close(); return }
                    try await conn.listen(on: LiveNotifier.channel) { notifications in
                        let own = app.wallboard.origin
                        for try await note in notifications {
                            if Task.isCancelled { break }
                            if note.payload != own { app.wallboard.changed() }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("live listener: \(String(describing: error)); reconnecting")
                    try? await Task.sleep(nanoseconds: 1_000_000_000)
                }
            }
        }
        app.storage[TaskKey.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        guard let task = app.storage[TaskKey.self] else { return }
        task.cancel()
        // Closing the connection ends the listen sequence, so the task can finish.
        if let conn = app.storage[ConnectionKey.self]?.withLockedValue({ $0 }) { try? await conn.close() }
        await task.value
    }
}
