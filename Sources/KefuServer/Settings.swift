import Foundation
import KefuCore

/// Every environment variable Kefu reads, read once at start-up and typed, so a typo in a
/// deployment fails immediately instead of on the first request that needs the value.
public struct Settings: Sendable {
    public enum DatabaseLocation: Sendable, Equatable {
        case sqlite(path: String)
        case sqliteMemory
        case postgres(url: String)
    }

    public var database: DatabaseLocation
    public var companyName: String
    public var timeZone: TimeZone
    /// `kefu serve --simulated-clock` / KEFU_SIMULATED_CLOCK=1: admins may move time.
    public var simulatedClock: Bool
    /// Whether this process runs the deadline sweeper (servers do, one-off commands don't).
    public var runScheduler: Bool
    public var sweepIntervalSeconds: Double
    public var duplicateWindowSeconds: Int
    /// Lifetime of API tokens.
    public var tokenLifetimeSeconds: Int
    /// Sign-in throttling: KEFU_LOGIN_LOCK_AFTER failures in a row lock an account for
    /// KEFU_LOGIN_LOCK_MINUTES.
    public var loginThrottle: LoginThrottle = LoginThrottle()
    /// KEFU_TRUST_PROXY=1: the server sits behind a reverse proxy on this machine, so the
    /// client's address is the first of X-Forwarded-For and `X-Forwarded-Proto: https` means TLS.
    /// Off by default: anyone could otherwise send the header and dodge per-address limits.
    public var trustProxy: Bool = false
    /// KEFU_SECURE_COOKIES=1: mark the session cookie Secure even when no TLS is seen.
    public var secureCookies: Bool = false
    /// Web chats a single address may start per minute (KEFU_CHAT_STARTS_PER_MINUTE).
    public var chatStartsPerMinute: Int = 10
    /// The key of the fields encrypted at rest (KEFU_DATA_KEY, base64 of 32 bytes, or the
    /// file KEFU_DATA_KEY_FILE names); nil: `FieldSealer.resolve` decides.
    public var dataKey: Data? = nil
    /// KEFU_METRICS_TOKEN: the bearer token Prometheus scrapes `/metrics` with; unset, no endpoint.
    public var metricsToken: String? = nil

    public init(database: DatabaseLocation = .sqlite(path: "kefu-data/kefu.sqlite"),
                companyName: String = "星河通信",
                timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!,
                simulatedClock: Bool = false, runScheduler: Bool = false,
                sweepIntervalSeconds: Double = 5, duplicateWindowSeconds: Int = 72 * 3600,
                tokenLifetimeSeconds: Int = 12 * 3600) {
        self.database = database; self.companyName = companyName; self.timeZone = timeZone
        self.simulatedClock = simulatedClock; self.runScheduler = runScheduler
        self.sweepIntervalSeconds = sweepIntervalSeconds; self.duplicateWindowSeconds = duplicateWindowSeconds
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the environment. `DATABASE_URL`: `sqlite:///abs/path.sqlite`, `sqlite://rel/path.sqlite`,
    /// `sqlite::memory:` or `postgres://user:pw@host:port/db`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        var s = Settings()
        if let url = env["DATABASE_URL"], !url.isEmpty { s.database = try parseDatabaseURL(url) }
        if let name = env["KEFU_COMPANY"], !name.isEmpty { s.companyName = name }
        if let tz = env["KEFU_TIMEZONE"], !tz.isEmpty {
            guard let zone = TimeZone(identifier: tz) else { throw Invalid(description: "KEFU_TIMEZONE: unknown time zone \(tz)") }
            s.timeZone = zone
        }
        if let v = env["KEFU_SIMULATED_CLOCK"] { s.simulatedClock = ["1", "true", "yes"].contains(v.lowercased()) }
        if let v = env["KEFU_SWEEP_INTERVAL"] {
            guard let d = Double(v), d > 0 else { throw Invalid(description: "KEFU_SWEEP_INTERVAL must be a positive number of seconds") }
            s.sweepIntervalSeconds = d
        }
        if let v = env["KEFU_LOGIN_LOCK_AFTER"] {
            guard let n = Int(v), (3...1000).contains(n) else { throw Invalid(description: "KEFU_LOGIN_LOCK_AFTER must be a whole number from 3 to 1000") }
            s.loginThrottle.lockAfter = n
        }
        if let v = env["KEFU_LOGIN_LOCK_MINUTES"] {
            guard let n = Int(v), (1...10_080).contains(n) else { throw Invalid(description: "KEFU_LOGIN_LOCK_MINUTES must be a whole number from 1 to 10080") }
            s.loginThrottle.lockSeconds = n * 60
        }
        if let v = env["KEFU_METRICS_TOKEN"], !v.isEmpty { s.metricsToken = v }
        if let v = env["KEFU_TRUST_PROXY"] { s.trustProxy = ["1", "true", "yes"].contains(v.lowercased()) }
        if let v = env["KEFU_SECURE_COOKIES"] { s.secureCookies = ["1", "true", "yes"].contains(v.lowercased()) }
        if let v = env["KEFU_CHAT_STARTS_PER_MINUTE"] {
            guard let n = Int(v), (1...10_000).contains(n) else { throw Invalid(description: "KEFU_CHAT_STARTS_PER_MINUTE must be a whole number from 1 to 10000") }
            s.chatStartsPerMinute = n
        }
        if let v = env["KEFU_DATA_KEY"], !v.isEmpty {
            guard let key = Data(base64Encoded: v.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == 32 else {
                throw Invalid(description: "KEFU_DATA_KEY must be the base64 of 32 bytes (e.g. `openssl rand -base64 32`)")
            }
            s.dataKey = key
        } else if let path = env["KEFU_DATA_KEY_FILE"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
                  let key = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == 32 else {
                throw Invalid(description: "KEFU_DATA_KEY_FILE must name a readable file holding the base64 of 32 bytes")
            }
            s.dataKey = key
        }
        if let v = env["KEFU_DUPLICATE_WINDOW_HOURS"] {
            guard let h = Int(v), (0...8760).contains(h) else { throw Invalid(description: "KEFU_DUPLICATE_WINDOW_HOURS must be a whole number of hours") }
            s.duplicateWindowSeconds = h * 3600
        }
        return s
    }

    public static func parseDatabaseURL(_ url: String) throws -> DatabaseLocation {
        if url == "sqlite::memory:" || url == "sqlite://:memory:" { return .sqliteMemory }
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw Invalid(description: "DATABASE_URL: sqlite URL needs a path") }
            return .sqlite(path: path)   // "/abs" stays absolute, "rel/x" is relative to the working directory
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return .postgres(url: url) }
        throw Invalid(description: "DATABASE_URL must start with sqlite:// or postgres:// (got \(SecretRedaction.redact(url)))")
    }
}
