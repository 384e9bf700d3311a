import Vapor
import KefuCore

/// What every feature needs from the application: settings and the clock. Lives in
/// application storage (no globals), so parallel tests each get their own.
public struct KefuContext: Sendable {
    public let settings: Settings
    public let clock: any KefuClock
    /// Present only with --simulated-clock: the clock admins may advance.
    public let simulatedClock: OffsetClock?
    /// Seals and opens the fields kept encrypted at rest (the ID number).
    let sealer: FieldSealer
    /// Keeps the search index up with the rows (one per process; the work is in the database).
    let search: SearchIndexer
}

extension Application {
    private struct KefuContextKey: StorageKey { typealias Value = KefuContext }

    public var kefu: KefuContext {
        get {
            guard let c = storage[KefuContextKey.self] else { fatalError("configure(_:) has not run") }
            return c
        }
        set { storage[KefuContextKey.self] = newValue }
    }
}

extension Request {
    var kefu: KefuContext { application.kefu }
    var now: Date { application.kefu.clock.now() }
    /// The time abuse limits count by: the injected clock, but never a training center's
    /// simulated one, which an admin may move to empty a window.
    var limitsNow: Date { application.kefu.simulatedClock == nil ? now : Date() }
}
