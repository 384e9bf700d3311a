import Fluent
import Vapor

/// A back-office department (技术部, 财务部 …) that receives supervision orders through its liaisons.
final class Department: Model, @unchecked Sendable {
    static let schema = "departments"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(name: String, createdAt: Date) { self.name = name; self.createdAt = createdAt }
}
