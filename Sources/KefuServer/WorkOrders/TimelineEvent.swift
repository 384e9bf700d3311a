import Fluent
import Vapor

/// One line of a work order's history (R1.9). Append-only: nothing here is ever updated.
final class TimelineEvent: Model, @unchecked Sendable {
    static let schema = "timeline_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "work_order_id") var workOrderID: UUID
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_work_id") var actorWorkId: String?
    @Field(key: "kind") var kind: String
    @Field(key: "summary") var summary: String
    /// JSON object: field → {"from": …, "to": …}
    @Field(key: "changes") var changes: String

    init() {}
    init(workOrderID: UUID, at: Date, actorWorkId: String?, kind: String, summary: String, changes: String = "{}") {
        self.workOrderID = workOrderID; self.at = at; self.actorWorkId = actorWorkId
        self.kind = kind; self.summary = summary; self.changes = changes
    }
}
