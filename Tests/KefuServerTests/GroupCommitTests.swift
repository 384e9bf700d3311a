import Foundation
import Testing
import VaporTesting
import Fluent
import SQLKit
@testable import KefuServer

/// Creates that run side by side: on SQLite they are committed together by the order writer
/// (`SQLiteWriter`), on PostgreSQL each in its own transaction. Either way every acknowledged
/// order is stored whole — number, timeline, audit, duplicate links — and numbers never repeat.
@Suite("Group commit of creates")
struct GroupCommitTests {
    @Test func parallelCreatesAreEachStoredWholeWithTheirOwnNumber() async throws {
        try await withKefu { app, u in
            let first = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            #expect(first.status == .created)
            let customerID = try #require(first.string("customerId"))
            let masterNumber = try #require(first.string("number"))
            struct Answer: Sendable { var status: HTTPStatus; var id: String?; var number: String?; var duplicateOf: String? }
            let answers = try await withThrowingTaskGroup(of: Answer.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        var body = newOrderBody()
                        body.removeValue(forKey: "customer")
                        body["customerId"] = customerID
                        let r = try await api(app, .POST, "/work-orders", token: u.agent, body: body)
                        return Answer(status: r.status, id: r.string("id"), number: r.string("number"), duplicateOf: r.string("duplicateOf"))
                    }
                }
                return try await group.reduce(into: [Answer]()) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == .created })
            let numbers = answers.compactMap(\.number)
            #expect(Set(numbers).count == 40)
            #expect(!numbers.contains(masterNumber))
            #expect(try await WorkOrder.query(on: app.db).count() == 41)
            for answer in answers.prefix(5) {
                let id = try #require(answer.id)
                #expect(answer.duplicateOf == first.string("id"))
                let shown = try await api(app, .GET, "/work-orders/\(id)", token: u.agent)
                #expect(shown.status == .ok)
                #expect(shown.string("number") == answer.number)
                #expect(shown.string("companyCode") == "HQ")
                let timeline = try await api(app, .GET, "/work-orders/\(id)/timeline", token: u.agent)
                let kinds = (timeline["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
                #expect(kinds.contains("created"))
                #expect(kinds.contains("duplicate_linked"))
            }
            // Every order left its audit lines: created, plus the two duplicate links of each repeat.
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "work_order.created").count()
            #expect(audits == 41)
            let links = try await AuditEvent.query(on: app.db).filter(\.$action == "work_order.duplicate_linked").count()
            #expect(links == 80)
        }
    }

    @Test func apiCallsStartNoSession() async throws {
        try await withKefu { app, u in
            for _ in 0..<3 {
                #expect(try await api(app, .GET, "/work-orders?limit=5", token: u.agent).status == .ok)
                #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).status == .created)
            }
            let sessions = try await (try app.db.sql()).raw("SELECT COUNT(*) AS n FROM _fluent_sessions").first(decoding: Count.self)
            #expect(sessions?.n == 0)
        }
    }

    struct Count: Decodable { var n: Int }

    /// The writer's WAL is copied back on a thread of its own (`SQLiteCheckpointer`); the copy
    /// must still let the WAL start over, or the file would grow with every order ever written.
    @Test func theWritersWALStartsOverWhileWritesGoOn() async throws {
        try await withKefu { app, _ in
            guard let writer = app.sqliteWriter else { return }   // PostgreSQL: no WAL file of ours
            try await writer.perform { try $0.execute("CREATE TABLE wal_probe (body BLOB)") }
            // 24 MB (6,000 pages) through the writer, 400 KB a commit: past the background copy's
            // 500 pages, far below the 20,000 at which the writer would copy inline.
            for _ in 0..<60 {
                try await writer.perform { try $0.execute("INSERT INTO wal_probe (body) VALUES (zeroblob(400000))") }
            }
            let checkpointer = try #require(writer.checkpointer)
            for _ in 0..<1_000 where checkpointer.state.busy { try await Task.sleep(for: .milliseconds(10)) }
            #expect(!checkpointer.state.busy)
            // Every frame is now copied, so the next commit writes from the WAL's start again:
            // without a restart it would hold all 6,100 pages.
            try await writer.perform { try $0.execute("INSERT INTO wal_probe (body) VALUES (zeroblob(400000))") }
            #expect(checkpointer.state.walPages < 6_000, "WAL has \(checkpointer.state.walPages) pages")
            let rows = try await writer.perform { try $0.rows(SQLText(sql: "SELECT count(*) FROM wal_probe", binds: [])) }
            #expect(rows.first?.first?.int == 61)
        }
    }
}
