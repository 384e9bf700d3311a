import Foundation
import Fluent
import SQLKit

/// Client companies and branches (M11). Moves an existing single-center database into one
/// default company with one branch, so nothing changes for a center that has only itself:
/// every scoped row gets that company (and branch), and the uniqueness rules that were
/// center-wide (a department's name, a month's roster, an IVR version …) become per company
/// or per branch.
struct M014_CreateCompaniesAndBranches: AsyncMigration {
    static let defaultCompanyCode = "HQ"
    static let defaultBranchCode = "MAIN"

    /// The name the center already answered with (`KEFU_COMPANY`): it becomes the default
    /// company's, so the IVR welcome of an upgraded center says what it said before.
    var centerName = "本公司"

    /// Tables whose uniqueness changes: rebuilt on SQLite (it cannot drop a table
    /// constraint), altered in place on PostgreSQL.
    static let rebuilt: [TableChange] = [
        TableChange(table: "departments", branch: true, oldUnique: ["name"], newUnique: ["company_id", "name"]),
        TableChange(table: "sla_policies", branch: false, oldUnique: ["type", "priority"], newUnique: ["company_id", "type", "priority"]),
        TableChange(table: "ivr_menus", branch: true, oldUnique: ["version"], newUnique: ["branch_id", "version"]),
        TableChange(table: "traffic_intervals", branch: false, oldUnique: ["start", "interval_minutes"],
                    newUnique: ["company_id", "start", "interval_minutes"]),
        TableChange(table: "rosters", branch: false, oldUnique: ["month"], newUnique: ["company_id", "month"]),
    ]

    /// Tables that only gain the scope columns: (table, has a branch).
    static let widened: [(String, Bool)] = [
        ("users", true), ("customers", true), ("work_orders", true), ("supervision_orders", false),
        ("contacts", true), ("chats", true), ("cti_tokens", false), ("cti_events", true),
        ("forecast_runs", false), ("shift_swaps", false), ("workforce_profiles", false), ("notifications", false),
    ]

    func prepare(on db: Database) async throws {
        try await db.schema("companies")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("hotline", .string, .required)
            .field("is_operator", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await db.schema("branches")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("hotline", .string, .required)
            .field("welcome", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "company_id", "code")
            .create()
        try await db.schema("company_grants")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("granted_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "company_id")
            .create()
        // A branch's own, tighter SLA targets on top of its company's (R11.1).
        try await db.schema("branch_sla_targets")
            .id()
            .field("branch_id", .uuid, .required, .references("branches", "id"))
            .field("type", .string, .required)
            .field("priority", .string, .required)
            .field("first_response_seconds", .int, .required)
            .field("resolution_seconds", .int, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "branch_id", "type", "priority")
            .create()
        // Forbidden (and standard) phrases a company or one of its branches adds to the
        // center's lexicon; listed for the center (the seed: reported to the center).
        try await db.schema("lexicon_additions")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("branch_id", .uuid, .references("branches", "id"))
            .field("kind", .string, .required)
            .field("phrase", .string, .required)
            .field("note", .string, .required)
            .field("active", .bool, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()

        let now = Date()
        let company = UUID(), branch = UUID()
        let sql = try db.sql()
        try await sql.insert(into: "companies")
            .columns("id", "code", "name", "hotline", "is_operator", "created_at")
            .values(SQLBind(company), SQLBind(Self.defaultCompanyCode), SQLBind(centerName.isEmpty ? "本公司" : centerName), SQLBind(""), SQLBind(true), SQLBind(now))
            .run()
        try await sql.insert(into: "branches")
            .columns("id", "company_id", "code", "name", "hotline", "welcome", "created_at")
            .values(SQLBind(branch), SQLBind(company), SQLBind(Self.defaultBranchCode), SQLBind("本部"), SQLBind(""),
                    SQLBind("欢迎致电{company}{branch}客服热线{hotline}"), SQLBind(now))
            .run()

        // The voice menu held the center's hotline and welcome; they are the branch's now.
        struct MenuRow: Decodable { var body: String }
        struct MenuBody: Decodable { var hotline: String?; var welcome: String? }
        if let latest = try await sql.raw("SELECT body FROM ivr_menus ORDER BY version DESC LIMIT 1").first(decoding: MenuRow.self),
           let menu = try? JSONDecoder().decode(MenuBody.self, from: Data(latest.body.utf8)) {
            var update = sql.update("branches")
            if let h = menu.hotline { update = update.set("hotline", to: SQLBind(h)) }
            if let w = menu.welcome, !w.isEmpty { update = update.set("welcome", to: SQLBind(w)) }
            if menu.hotline != nil || menu.welcome?.isEmpty == false { try await update.where("id", .equal, SQLBind(branch)).run() }
            if let h = menu.hotline {
                try await sql.update("companies").set("hotline", to: SQLBind(h)).where("id", .equal, SQLBind(company)).run()
            }
        }

        let postgres = sql.dialect.name != "sqlite"
        for change in Self.rebuilt {
            if postgres { try await change.alterPostgres(sql) } else { try await change.rebuildSQLite(db) }
        }
        for (table, hasBranch) in Self.widened {
            // One column per statement: SQLite adds one at a time.
            try await db.schema(table).field("company_id", .uuid, .references("companies", "id")).update()
            if hasBranch { try await db.schema(table).field("branch_id", .uuid, .references("branches", "id")).update() }
        }

        let all = Self.rebuilt.map { ($0.table, $0.branch) } + Self.widened
        for (table, hasBranch) in all {
            var update = sql.update(table).set("company_id", to: SQLBind(company))
            if hasBranch { update = update.set("branch_id", to: SQLBind(branch)) }
            try await update.run()
            // A notice to one person needs no company; every other scoped row has one.
            if postgres, table != "notifications" {
                try await sql.raw("ALTER TABLE \(ident: table) ALTER COLUMN company_id SET NOT NULL").run()
            }
        }
        // A switch's event ids are unique per company, not across the center.
        try await sql.drop(index: "cti_events_event_id_idx").run()
        try await sql.create(index: "cti_events_company_event_idx").unique().on("cti_events").column("company_id").column("event_id").run()
        for table in ["work_orders", "customers", "contacts", "chats", "users", "supervision_orders", "notifications"] {
            try await sql.create(index: "\(table)_company_idx").on(table).column("company_id").run()
        }
    }

    func revert(on db: Database) async throws {
        throw MigrationRefusal(reason: "M014（公司与分公司）不能回退：回退会把多家公司的数据混在一起。请恢复升级前的备份。")
    }
}

struct MigrationRefusal: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// One table whose unique constraint gains the company (or branch) in front.
struct TableChange: Sendable {
    let table: String
    let branch: Bool
    let oldUnique: [String]
    let newUnique: [String]

    var oldConstraint: String { "uq:" + oldUnique.map { "\(table).\($0)" }.joined(separator: "+") }
    var newConstraint: String { "uq:" + newUnique.map { "\(table).\($0)" }.joined(separator: "+") }

    func alterPostgres(_ sql: any SQLDatabase) async throws {
        try await sql.raw("ALTER TABLE \(ident: table) ADD COLUMN company_id UUID REFERENCES companies(id)").run()
        if branch { try await sql.raw("ALTER TABLE \(ident: table) ADD COLUMN branch_id UUID REFERENCES branches(id)").run() }
        struct Row: Decodable { var conname: String; var def: String }
        let rows = try await sql.raw("""
            SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
            WHERE conrelid = \(bind: table)::regclass AND contype = 'u'
            """).all(decoding: Row.self)
        let wanted = "UNIQUE (" + oldUnique.joined(separator: ", ") + ")"
        for row in rows where row.def.replacingOccurrences(of: "\"", with: "") == wanted {
            try await sql.raw("ALTER TABLE \(ident: table) DROP CONSTRAINT \(ident: row.conname)").run()
        }
        try await sql.raw("ALTER TABLE \(ident: table) ADD CONSTRAINT \(ident: newConstraint) UNIQUE (\(unsafeRaw: newUnique.map { "\"\($0)\"" }.joined(separator: ", ")))").run()
    }

    /// SQLite's documented way to change a table's constraints: a new table with the wanted
    /// definition, the rows copied, the old one dropped and the new one renamed, with
    /// foreign keys off on one connection so the children keep pointing at the same name.
    func rebuildSQLite(_ db: Database) async throws {
        let table = self.table, branch = self.branch
        let oldConstraint = self.oldConstraint, newConstraint = self.newConstraint, newUnique = self.newUnique
        try await db.withConnection { conn in
                let s = try conn.sql()
                struct Master: Decodable { var sql: String }
                let created = try await s.raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)")
                    .first(decoding: Master.self)
                guard let original = created?.sql else { throw MigrationRefusal(reason: "table \(table) is missing") }
                struct Column: Decodable { var name: String }
                let columns = try await s.raw("SELECT name FROM pragma_table_info(\(bind: table))").all(decoding: Column.self).map(\.name)
                let oldClause = "CONSTRAINT \"\(oldConstraint)\" UNIQUE"
                guard original.hasPrefix("CREATE TABLE \"\(table)\""),
                      let constraintStart = original.range(of: oldClause)?.lowerBound,
                      let constraintEnd = original[constraintStart...].range(of: ")")?.upperBound else {
                    throw MigrationRefusal(reason: "table \(table) does not have the expected definition")
                }
                let scopeColumns = "\"company_id\" UUID REFERENCES \"companies\" (\"id\"), "
                    + (branch ? "\"branch_id\" UUID REFERENCES \"branches\" (\"id\"), " : "")
                var rebuilt = original
                rebuilt.replaceSubrange(constraintStart..<constraintEnd,
                                        with: scopeColumns + "CONSTRAINT \"\(newConstraint)\" UNIQUE (" + newUnique.map { "\"\($0)\"" }.joined(separator: ", ") + ")")
                let temporary = table + "_m014"
                rebuilt = "CREATE TABLE \"\(temporary)\"" + rebuilt.dropFirst("CREATE TABLE \"\(table)\"".count)
                let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                try await s.raw("PRAGMA foreign_keys = OFF").run()
                try await s.raw("BEGIN").run()
                do {
                    try await s.raw("\(unsafeRaw: rebuilt)").run()
                    try await s.raw("INSERT INTO \(ident: temporary) (\(unsafeRaw: list)) SELECT \(unsafeRaw: list) FROM \(ident: table)").run()
                    try await s.raw("DROP TABLE \(ident: table)").run()
                    try await s.raw("ALTER TABLE \(ident: temporary) RENAME TO \(ident: table)").run()
                    try await s.raw("COMMIT").run()
                } catch {
                    try? await s.raw("ROLLBACK").run()
                    try? await s.raw("PRAGMA foreign_keys = ON").run()
                    throw error
                }
                try await s.raw("PRAGMA foreign_keys = ON").run()
        }
    }
}
