import Fluent
import Vapor

/// One line of a chat. `confirmedWarning` records that the agent sent it despite a
/// forbidden-phrase warning, which QC sees.
final class ChatMessage: Model, @unchecked Sendable {
    static let schema = "chat_messages"
    @ID(key: .id) var id: UUID?
    @Parent(key: "chat_id") var chat: Chat
    @Field(key: "at") var at: Date
    @Field(key: "speaker") var speaker: String
    @OptionalField(key: "author_work_id") var authorWorkId: String?
    @Field(key: "text") var text: String
    @Field(key: "confirmed_warning") var confirmedWarning: Bool

    init() {}
}
