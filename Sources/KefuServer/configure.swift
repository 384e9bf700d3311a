import Vapor
import Fluent
import Leaf
import KefuCore

/// Builds the application: settings → clock → database → middleware → features → routes.
/// `clock` lets tests and the training mode inject time.
public func configure(_ app: Application, settings: Settings, clock: (any KefuClock)? = nil) async throws {
    let simulated = settings.simulatedClock ? OffsetClock() : nil
    app.kefu = KefuContext(settings: settings, clock: clock ?? simulated ?? SystemClock(), simulatedClock: simulated,
                           sealer: try FieldSealer.resolve(settings), search: SearchIndexer())
    _ = app.live
    app.wallboard = WallboardHub()
    app.wallboard.attach(app)

    // Views, public files and the API document belong to the binary, not to the directory it
    // was started from. A server without them would answer only /health: refuse to start.
    do {
        app.directory = DirectoryConfiguration(workingDirectory: try ResourceLocator.locate())
    } catch let missing as ResourceLocator.Missing {
        if settings.runScheduler { throw StartupError(missing.description) }
    }

    try DatabaseSetup.configure(app, settings.database)
    KefuMigrations.register(on: app)

    ContentConfiguration.global.use(encoder: JSONCoding.encoder(timeZone: settings.timeZone), for: .json)
    ContentConfiguration.global.use(decoder: JSONCoding.decoder(), for: .json)
    app.routes.defaultMaxBodySize = "1mb"

    app.views.use(.leaf)
    // Templates ship with the binary and do not change while it runs (see PinnedLeafCache).
    app.leaf.cache = PinnedLeafCache()
    app.passwords.use(.bcrypt)
    app.sessions.use { app in QuietSessions(base: app.fluent.sessions.driver()) }
    app.sessions.configuration.cookieName = "kefu_session"
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(string: id.string, maxAge: 12 * 3600, isHTTPOnly: true, sameSite: .lax)
    }

    app.middleware = .init()
    app.middleware.use(SecurityHeadersMiddleware(cookieName: app.sessions.configuration.cookieName, secureCookies: settings.secureCookies))
    app.middleware.use(RouteLoggingMiddleware(logLevel: .debug))
    app.middleware.use(MetricsMiddleware(metrics: app.metrics))
    app.middleware.use(KefuErrorMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(SessionAvailabilityMarker())
    app.middleware.use(UserAuthenticator())
    app.middleware.use(CSRFMiddleware())

    app.lifecycle.use(StartupLifecycle())
    app.lifecycle.use(SweeperLifecycle())
    app.lifecycle.use(SearchIndexLifecycle())
    app.lifecycle.use(LiveListenerLifecycle())
    try routes(app)
    // Innermost and after the routes: it needs the full route table (405 + Allow).
    app.middleware.use(MethodNotAllowedMiddleware(routes: app.routes))
}

/// Work that needs the database once it is reachable: SQLite pragmas, the stored simulated time.
struct StartupLifecycle: LifecycleHandler {
    func didBootAsync(_ app: Application) async throws {
        try await DatabaseSetup.prepare(app)
        if let clock = app.kefu.simulatedClock {
            clock.set(offsetSeconds: TimeInterval(try await ClockAPI.loadOffset(on: app.db)))
        }
    }
}
