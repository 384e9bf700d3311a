import Fluent
import Vapor

/// An official holiday-period date an admin added, with the greeting it calls for
/// (`newYear` → 新年好, `festival` → 节日好). Festival days themselves come from KefuCore's lunar calendar.
final class GreetingDay: Model, @unchecked Sendable {
    static let schema = "qa_greeting_days"
    @ID(key: .id) var id: UUID?
    @Field(key: "day") var day: String
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String

    init() {}
}
