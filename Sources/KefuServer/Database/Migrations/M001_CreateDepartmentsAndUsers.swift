import Fluent

struct M001_CreateDepartmentsAndUsers: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("departments")
            .id()
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "name")
            .create()
        try await db.schema("users")
            .id()
            .field("work_id", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("password_hash", .string, .required)
            .field("department_id", .uuid, .references("departments", "id"))
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "work_id")
            .create()
        try await db.schema("user_tokens")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema("user_tokens").delete()
        try await db.schema("users").delete()
        try await db.schema("departments").delete()
    }
}
