import Fluent
import Vapor

/// A number the center never gives out (R5.6), stored normalised (digits only).
final class ProtectedNumber: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "protected_numbers"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "number") var number: String
    /// Whose number it is, as the directory names them (王总经理, 值班室).
    @Field(key: "holder") var holder: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
