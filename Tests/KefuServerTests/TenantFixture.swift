import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// A second (third …) client company for two-company tests: the company, its branches and
/// its people, created the way `kefu company add` / `kefu branch add` / `kefu user add`
/// would, each person signed in through the API. Password of everyone: "secret123".
enum TenantFixture {
    struct Placed {
        var companyID: UUID
        var code: String
        /// Branch ids by branch code.
        var branches: [String: UUID]
        /// By work ID.
        var users: [String: PlacedUser]

        /// The API token of `workId` (a test bug, not a server one, when missing).
        func token(_ workId: String) throws -> String { try #require(users[workId]?.token) }
        func userID(_ workId: String) throws -> UUID { try #require(users[workId]?.id) }
        func branchID(_ code: String) throws -> UUID { try #require(branches[code]) }
    }

    struct PlacedUser {
        var id: UUID
        var token: String
        var departmentID: UUID?
        var branchID: UUID?
    }

    /// Adds company `code` with `branches` (at least one); users join the first branch, and a
    /// named department is created in the company when missing.
    @discardableResult
    static func addCompany(_ app: Application, code: String, name: String, hotline: String? = nil,
                           branches: [(code: String, name: String, hotline: String)],
                           users: [(workId: String, role: String, department: String?)]) async throws -> Placed {
        let now = app.kefu.clock.now()
        let firstBranch = try #require(branches.first, "a company needs a branch")
        let company = Company(code: code, name: name, hotline: hotline ?? firstBranch.hotline, isOperator: false, createdAt: now)
        try await company.create(on: app.db)
        let companyID = try company.requireID()
        var branchIDs: [String: UUID] = [:]
        for b in branches {
            let branch = Branch(companyID: companyID, code: b.code, name: b.name, hotline: b.hotline,
                                welcome: WelcomeText.standard, createdAt: now)
            try await branch.create(on: app.db)
            branchIDs[b.code] = try branch.requireID()
        }
        let admin = UserAdmin(db: app.db, now: now)
        var placed: [String: PlacedUser] = [:]
        for u in users {
            let user = try await admin.add(.init(workId: u.workId, name: "\(name)\(u.workId)", role: u.role, password: "secret123",
                                                 department: u.department, company: code, branch: firstBranch.code),
                                           createDepartment: true, hasher: app.password.sync, history: nil)
            placed[u.workId] = PlacedUser(id: try user.requireID(), token: "", departmentID: user.$department.id,
                                          branchID: user.branchID)
        }
        for workId in placed.keys { placed[workId]?.token = try await TestUsers.login(app, workId) }
        return Placed(companyID: companyID, code: code, branches: branchIDs, users: placed)
    }

    /// Lets `workId` work for company `companyCode` as well as their own.
    static func grant(_ app: Application, workId: String, companyCode: String) async throws {
        let user = try #require(try await User.query(on: app.db).filter(\.$workId == workId).first(), "no user \(workId)")
        let company = try #require(try await Company.query(on: app.db).filter(\.$code == companyCode).first(), "no company \(companyCode)")
        try await CompanyGrant(userID: try user.requireID(), companyID: try company.requireID(), grantedBy: "test",
                               createdAt: app.kefu.clock.now()).create(on: app.db)
    }

    /// The id of the default company HQ (where `withKefu`'s users are).
    static func defaultCompanyID(_ app: Application) async throws -> UUID {
        try #require(try await Company.query(on: app.db).filter(\.$code == "HQ").first()?.id)
    }
}
