import Fluent
import Vapor
import KefuCore

/// Failed sign-ins in a row for one key (`account:<work id>` or `address:<ip>`).
final class LoginFailure: Model, @unchecked Sendable {
    static let schema = "login_failures"
    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "failures") var failures: Int
    @Field(key: "last_failure_at") var lastFailureAt: Date

    init() {}
    init(key: String, failures: Int, lastFailureAt: Date) { self.key = key; self.failures = failures; self.lastFailureAt = lastFailureAt }

    var record: LoginThrottle.Record { .init(failures: failures, lastFailure: lastFailureAt) }
}
