import Fluent
import Vapor

/// The append-only audit trail: who, when, what object, before/after, from which IP.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_work_id") var actorWorkId: String?
    @Field(key: "action") var action: String
    @Field(key: "object_type") var objectType: String
    @OptionalField(key: "object_id") var objectId: String?
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "after") var after: String?
    @OptionalField(key: "ip") var ip: String?

    init() {}
    init(at: Date, actorWorkId: String?, action: String, objectType: String, objectId: String?, before: String? = nil, after: String? = nil, ip: String?) {
        self.at = at; self.actorWorkId = actorWorkId; self.action = action; self.objectType = objectType
        self.objectId = objectId; self.before = before; self.after = after; self.ip = ip
    }
}
