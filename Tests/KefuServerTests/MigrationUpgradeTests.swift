import Foundation
import Testing
import VaporTesting
import Fluent
import SQLKit
import KefuCore
@testable import KefuServer

/// Issue 11's check: "migrations move an existing single-center database into the default
/// company with nothing lost". The database is made by the previous release's migrations
/// (M001…M013, the list as shipped before M014), filled the way that release stored rows,
/// then upgraded by this release's `autoMigrate`. SQLite, and PostgreSQL when
/// KEFU_TEST_POSTGRES_URL is set.
@Suite("Upgrade from a single-center database (M014)")
struct MigrationUpgradeTests {
    /// The previous release's migrations, in its order. Shipped migrations never change, so
    /// this copy stays true.
    static func previousRelease() -> [any Migration] {
        [M001_CreateDepartmentsAndUsers(), M002_CreateCustomers(), M003_CreateWorkOrders(), M004_CreateTransfersAndCallbacks(),
         M005_CreateHistory(), M006_CreateSettingsTables(), SessionRecord.migration, M007_CreateQuality(),
         M008_CreateLiveOperations(), M009_CreateWorkforce(), M010_CreateSecurityCounters(), M011_CreateSubmissionRecords(),
         M012_CreateCTIOutbox(), M013_AddFindingEntry()]
    }

    /// Ids of the rows the old center had.
    struct OldRows {
        var department = UUID(), agent = UUID(), liaison = UUID(), admin = UUID(), customer = UUID(), order = UUID()
        var supervision = UUID(), contact = UUID(), roster = UUID(), policy = UUID(), ivr = UUID()
        let orderNumber = "GD20261120-0001"
        let eventID = "old-pbx-1"
        static let token = "old-release-token-8001"
    }

    @Test func aSingleCenterDatabaseMovesIntoTheDefaultCompanyWithNothingLost() async throws {
        try await withEmptyDatabase { settings in
            let old = OldRows()
            // 1. The previous release: its migrations, its rows.
            let before = try await Application.make(.testing)
            var counts: [String: Int] = [:]
            do {
                try await configure(before, settings: settings, clock: ManualClock(testStart))
                before.passwords.use(.bcrypt(cost: 4))
                let previous = Migrations()
                for m in Self.previousRelease() { previous.add(m) }
                let migrator = Migrator(databases: before.databases, migrations: previous, logger: before.logger,
                                        on: before.eventLoopGroup.any())
                try await migrator.setupIfNeeded().get()
                try await migrator.prepareBatch().get()
                try await Self.fill(before, old)
                for table in Self.scopedTables { counts[table] = try await Self.count(before.db, table) }
            } catch {
                try? await before.asyncShutdown()
                throw error
            }
            try await before.asyncShutdown()

            // 2. This release on the same database.
            let app = try await Application.make(.testing)
            do {
                try await configure(app, settings: settings, clock: ManualClock(testStart))
                app.passwords.use(.bcrypt(cost: 4))
                try await app.autoMigrate()
                try await DatabaseSetup.prepare(app)
                try await Self.check(app, old, counts: counts)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }
    }

    /// Every table M014 scopes, with whether it has a branch column.
    static var scopedTablesWithBranch: [(String, Bool)] {
        M014_CreateCompaniesAndBranches.rebuilt.map { ($0.table, $0.branch) } + M014_CreateCompaniesAndBranches.widened
    }
    static var scopedTables: [String] { scopedTablesWithBranch.map(\.0) }

    // MARK: the old center

    static func fill(_ app: Application, _ o: OldRows) async throws {
        let sql = try app.db.sql()
        let now = testStart.addingTimeInterval(-3 * 86400)
        let hash = try app.password.hash("secret123")
        try await insert(sql, "departments", ["id": o.department, "name": "旧技术部", "created_at": now])
        for (id, workId, role, dep) in [(o.agent, "8001", "agent", nil), (o.liaison, "8002", "liaison", Optional(o.department)),
                                        (o.admin, "8009", "admin", nil)] {
            var row: [String: any Encodable & Sendable] = ["id": id, "work_id": workId, "name": "旧\(workId)", "role": role,
                                                           "password_hash": hash, "active": true, "created_at": now]
            if let dep { row["department_id"] = dep }
            try await insert(sql, "users", row)
        }
        // A sign-in of the old release (an API token of 8001) that outlives the upgrade.
        try await insert(sql, "user_tokens", ["id": UUID(), "token_hash": UserToken.hash(OldRows.token), "user_id": o.agent,
                                              "expires_at": Date().addingTimeInterval(86400), "created_at": now])
        try await insert(sql, "customers", ["id": o.customer, "name": "旧客户", "phone": "13700000001", "tier": "normal",
                                            "id_number": "11010519491231002X", "created_at": now, "updated_at": now])
        try await insert(sql, "work_orders", [
            "id": o.order, "number": o.orderNumber, "type": "complaint", "channel": "phone", "status": "transferred",
            "priority": "normal", "subject": "旧工单主题", "description": "升级前受理", "owner_work_id": "8001",
            "created_by_work_id": "8001", "customer_id": o.customer, "needs_visit": false,
            "first_response_due_at": now.addingTimeInterval(3600), "first_responded_at": now.addingTimeInterval(600),
            "resolution_target_seconds": 86400 * 3, "calendar_kind": "24h", "resolution_due_at": now.addingTimeInterval(86400 * 3),
            "paused_seconds": 0, "escalation_level": 0, "callback_done": false, "open_supervision_count": 1,
            "created_at": now, "updated_at": now,
        ])
        try await insert(sql, "supervision_orders", [
            "id": o.supervision, "work_order_id": o.order, "department_id": o.department, "status": "open",
            "deadline": now.addingTimeInterval(86400 * 5), "note": "旧督办", "escalated": false, "created_by_work_id": "8001",
            "created_at": now,
        ])
        try await insert(sql, "contacts", [
            "id": o.contact, "external_id": "old-c-1", "channel": "phone", "agent_work_id": "8001", "started_at": now,
            "local_day": "2026-11-20", "shift": "day", "transcript": #"{"segments":[]}"#, "source": "import", "auto_score": 100,
            "status": "scored", "lexicon_version": 1, "created_at": now,
        ])
        try await insert(sql, "rosters", [
            "id": o.roster, "month": "2026-10", "status": "published", "interval_minutes": 30, "demand": "{}", "templates": "[]",
            "rules": "{}", "required_seats": "[]", "created_at": now, "updated_at": now,
        ])
        try await insert(sql, "sla_policies", ["id": o.policy, "type": "complaint", "priority": "urgent", "first_response_seconds": 600,
                                               "resolution_seconds": 7200, "calendar": "24h"])
        var menu = IVRMenu.standard
        menu.version = 2
        menu.hotline = "95123"
        menu.welcome = "欢迎致电旧中心客服热线{hotline}"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await insert(sql, "ivr_menus", ["id": o.ivr, "version": 2, "body": String(decoding: try encoder.encode(menu), as: UTF8.self),
                                            "note": "旧导航", "created_by": "8009", "created_at": now])
        try await insert(sql, "cti_events", ["event_id": o.eventID, "type": "enqueued", "at": now, "call_id": "old-call",
                                             "queue": "inbound", "caller": "13700000001", "source": "api", "received_at": now])
    }

    static func insert(_ sql: any SQLDatabase, _ table: String, _ row: [String: any Encodable & Sendable]) async throws {
        let columns = row.keys.sorted()
        try await sql.insert(into: table).columns(columns).values(columns.map { SQLBind(row[$0]!) }).run()
    }

    /// Rows of `table`, all or those whose `column` holds `value`.
    static func count(_ db: Database, _ table: String, _ column: String? = nil, is value: UUID? = nil) async throws -> Int {
        struct N: Decodable { var n: Int }
        let sql = try db.sql()
        let query: SQLQueryString
        if let column, let value {
            query = "SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(ident: column) = \(bind: value)"
        } else {
            query = "SELECT COUNT(*) AS n FROM \(ident: table)"
        }
        return try await sql.raw(query).first(decoding: N.self)?.n ?? -1
    }

    // MARK: after the upgrade

    static func check(_ app: Application, _ o: OldRows, counts: [String: Int]) async throws {
        let companies = try await Company.query(on: app.db).all()
        #expect(companies.map(\.code) == ["HQ"], "one default company")
        let hq = try #require(companies.first?.id)
        let branches = try await Branch.query(on: app.db).all()
        #expect(branches.map(\.code) == ["MAIN"], "one default branch")
        let main = try #require(branches.first?.id)

        // Nothing lost, everything placed: every scoped table keeps its rows, each in HQ
        // (and MAIN where the table has a branch).
        let sql = try app.db.sql()
        for (table, hasBranch) in scopedTablesWithBranch {
            let total = try await count(app.db, table)
            #expect(total == counts[table], "\(table): \(total) rows after, \(counts[table] ?? -1) before")
            let inHQ = try await count(app.db, table, "company_id", is: hq)
            #expect(inHQ == total, "\(table): \(total - inHQ) rows outside HQ")
            if hasBranch {
                let inMain = try await count(app.db, table, "branch_id", is: main)
                #expect(inMain == total, "\(table): \(total - inMain) rows outside branch MAIN")
            }
        }
        // The rows themselves, field for field where it matters.
        let tenant = TenantData(scope: .companies([hq]), db: app.db)
        #expect(try await tenant.find(Department.self, o.department)?.name == "旧技术部")
        for user in [o.agent, o.liaison, o.admin] {
            let u = try await tenant.find(User.self, user)
            #expect(u?.companyID == hq && u?.branchID == main, "user \(u?.workId ?? "missing")")
        }
        #expect(try await tenant.find(User.self, o.liaison)?.$department.id == o.department)
        #expect(try await tenant.find(Customer.self, o.customer)?.name == "旧客户")
        let order = try await tenant.find(WorkOrder.self, o.order)
        #expect(order?.subject == "旧工单主题" && order?.number == o.orderNumber && order?.branchID == main)
        #expect(try await tenant.find(SupervisionOrder.self, o.supervision)?.note == "旧督办")
        #expect(try await tenant.find(Contact.self, o.contact)?.externalId == "old-c-1")
        #expect(try await tenant.find(RosterRecord.self, o.roster)?.month == "2026-10")
        let policy = try await tenant.find(SLAPolicyRecord.self, o.policy)
        #expect(policy?.companyID == hq)
        #expect(try await tenant.find(IVRMenuVersion.self, o.ivr)?.version == 2)
        struct Event: Decodable { var event_id: String; var company_id: UUID; var caller: String? }
        let events = try await sql.raw("SELECT event_id, company_id, caller FROM cti_events").all(decoding: Event.self)
        #expect(events.map(\.event_id) == [o.eventID] && events.first?.company_id == hq && events.first?.caller == "13700000001")

        // The migration record: the old batch stays, M014 (and later ones) ran on top.
        let ran = try await MigrationLog.query(on: app.db).all()
        let oldNames = Set(previousRelease().map(\.name))
        #expect(ran.filter { oldNames.contains($0.name) }.allSatisfy { $0.batch == 1 })
        #expect(ran.contains { $0.name.hasSuffix("M014_CreateCompaniesAndBranches") && $0.batch == 2 })

        // And the application serves it: the old agent, still signed in from before the
        // upgrade, reads the old order, now labelled with the default company and branch;
        // signing in anew works too.
        let token = OldRows.token
        #expect(try await TestUsers.login(app, "8001").isEmpty == false)
        let read = try await api(app, .GET, "/work-orders/\(o.order.uuidString)", token: token)
        #expect(read.status == .ok, "old order: \(read.json)")
        #expect(read.string("subject") == "旧工单主题" && read.string("number") == o.orderNumber)
        #expect(read.string("companyCode") == "HQ" && read.string("branchCode") == "MAIN", "labels: \(read.json)")
        let byNumber = try await api(app, .GET, "/work-orders/\(o.orderNumber)", token: token)
        #expect(byNumber.status == .ok)
        let customer = try await api(app, .GET, "/customers/\(o.customer.uuidString)", token: token)
        #expect(customer.status == .ok && customer.string("name") == "旧客户" && customer.string("companyCode") == "HQ", "old customer: \(customer.json)")
        // Its ID number, stored in plain text by the old release, is sealed now (M024) and still verifies.
        struct Stored: Decodable { var id_number: String? }
        let stored = try await (try app.db.sql()).select().column("id_number").from("customers").where("id", .equal, o.customer).first(decoding: Stored.self)
        #expect(stored?.id_number?.hasPrefix("enc1:") == true && stored?.id_number?.contains("1101") == false)
        let verified = try await api(app, .POST, "/customers/\(o.customer.uuidString)/change-requests", token: token,
                                     body: ["changes": ["name": "旧客户甲"], "verification": ["method": "id_number", "value": "11010519491231002x"]])
        #expect(verified.status == .created, "verification after sealing: \(verified.json)")
        let supervision = try await api(app, .GET, "/work-orders/\(o.order.uuidString)/supervision-orders", token: token)
        let items = supervision["items"] as? [[String: Any]] ?? []
        #expect(items.compactMap { $0["id"] as? String }.map { $0.lowercased() } == [o.supervision.uuidString.lowercased()])
        // The old liaison still sees the order their department was asked about.
        let liaison = try await TestUsers.login(app, "8002")
        #expect(try await api(app, .GET, "/work-orders/\(o.order.uuidString)", token: liaison).status == .ok)
        // The center's voice menu keeps its hotline and welcome (now the branch's).
        let admin = try await TestUsers.login(app, "8009")
        let ivr = try await api(app, .GET, "/ivr", token: admin)
        #expect(ivr.status == .ok && ivr["version"] as? Int == 2, "IVR version: \(ivr.json)")
        #expect(ivr.string("hotline") == "95123", "the old hotline survives: \(ivr.string("hotline") ?? "nil")")
        #expect(ivr.string("welcome")?.contains("旧中心") == true, "the old welcome survives: \(ivr.string("welcome") ?? "nil")")
        let departments = try await api(app, .GET, "/departments", token: admin)
        #expect(((departments["items"] as? [[String: Any]]) ?? []).contains { $0["name"] as? String == "旧技术部" }, "departments: \(departments.json)")
        // New rows go to the default company too: a new order on the upgraded database.
        let created = try await api(app, .POST, "/work-orders", token: token, body: newOrderBody(phone: "13700000002"))
        #expect(created.status == .created && created.string("companyCode") == "HQ", "new order: \(created.json)")
    }
}
