import Fluent
import Vapor
import KefuCore

/// The 班组 of one company, kept by the admin: a name, a team lead, the agents in it. A
/// person sits in one team at most, so adding someone already in another team moves them
/// (and says so). Every change is audited; a name already taken is a 409, so a form sent
/// twice makes one team.
struct TeamDirectory: Sendable {
    let company: WorkforceCompany
    let now: Date

    struct Listing: Sendable {
        var team: Team
        var lead: User?
        var members: [User]
    }

    func list() async throws -> [Listing] {
        let teams = try await company.data.query(Team.self).sort(\.$name).all()
        let ids = teams.compactMap(\.id)
        let members = ids.isEmpty ? [] : try await company.data.query(User.self).filter(\.$teamID ~~ ids).sort(\.$workId).all()
        let leadIDs = teams.compactMap(\.leadID)
        let leads = leadIDs.isEmpty ? [] : try await company.data.query(User.self).filter(\.$id ~~ leadIDs).all()
        return teams.map { t in
            Listing(team: t, lead: leads.first { $0.id == t.leadID }, members: members.filter { $0.teamID == t.id })
        }
    }

    /// The agents and team leads of the company, for the page's pickers.
    func people() async throws -> [User] {
        try await company.data.query(User.self).filter(\.$active == true)
            .filter(\.$role ~~ (TeamRules.memberRoles + [TeamRules.leadRole]).map(\.rawValue)).sort(\.$workId).all()
    }

    struct Input: Content { var name: String?; var lead: String? }

    func create(_ input: Input, by actor: String) async throws -> Team {
        if let p = TeamRules.checkName(input.name) { throw KefuError.invalid([FieldProblemDTO(p)]) }
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return try await company.db.writeTransaction { [company, now] tx in
            let data = company.data.on(tx)
            let lead = try await Self.lead(input.lead, data: data)
            if try await data.query(Team.self).filter(\.$name == name).count() > 0 {
                throw KefuError.conflict("team_exists", "已有名为「\(name)」的班组。")
            }
            let team = Team()
            team.id = UUID(); team.companyID = company.id; team.name = name; team.leadID = try lead?.requireID(); team.createdAt = now
            try await team.create(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "team.created", objectType: "team", objectId: team.id?.uuidString, after: "\(name) 班长=\(lead?.workId ?? "—")")
            return team
        }
    }

    /// Renames the team and sets (or clears, with an empty lead) its team lead.
    func update(_ id: UUID, _ input: Input, by actor: String) async throws {
        if let p = TeamRules.checkName(input.name) { throw KefuError.invalid([FieldProblemDTO(p)]) }
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        try await company.db.writeTransaction { [company, now] tx in
            let data = company.data.on(tx)
            let team = try await Self.team(id, data: data)
            let lead = try await Self.lead(input.lead, data: data)
            if try await data.query(Team.self).filter(\.$name == name).filter(\.$id != id).count() > 0 {
                throw KefuError.conflict("team_exists", "已有名为「\(name)」的班组。")
            }
            let before = "\(team.name) 班长=\(try await Self.workId(team.leadID, data: data) ?? "—")"
            team.name = name; team.leadID = try lead?.requireID()
            try await team.save(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "team.updated", objectType: "team", objectId: id.uuidString, before: before, after: "\(name) 班长=\(lead?.workId ?? "—")")
        }
    }

    /// Puts the named agents in the team; returns those who came from another team.
    func add(_ id: UUID, workIds raw: String?, by actor: String) async throws -> [String] {
        let workIds = Self.workIds(raw)
        guard !workIds.isEmpty else { throw KefuError.invalid([.init(field: "members", message: "请填写要加入的工号")]) }
        guard workIds.count <= 200 else { throw KefuError.invalid([.init(field: "members", message: "一次最多加入 200 人")]) }
        return try await company.db.writeTransaction { [company, now] tx in
            let data = company.data.on(tx)
            let team = try await Self.team(id, data: data)
            let people = try await data.query(User.self).filter(\.$workId ~~ workIds).all()
            var problems: [FieldProblemDTO] = []
            for w in workIds {
                guard let p = people.first(where: { $0.workId == w }) else {
                    problems.append(.init(field: "members", message: "本公司没有工号 \(w)")); continue
                }
                guard let role = Role(rawValue: p.role) else {
                    problems.append(.init(field: "members", message: "\(w) 的角色无法识别")); continue
                }
                if let problem = TeamRules.memberProblem(w, role: role) { problems.append(FieldProblemDTO(problem)) }
                if !p.active { problems.append(.init(field: "members", message: "\(w) 已停用")) }
            }
            guard problems.isEmpty else { throw KefuError.invalid(problems) }
            var moved: [String] = []
            for p in people.sorted(by: { $0.workId < $1.workId }) where p.teamID != id {
                var from: Team?
                if let t = p.teamID { from = try await data.query(Team.self).filter(\.$id == t).first() }
                if let from { moved.append("\(p.workId)（原\(from.name)）") }
                p.teamID = id
                try await p.save(on: tx)
                try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                    .audit(action: "team.member_added", objectType: "team", objectId: id.uuidString, before: from?.name, after: "\(team.name) \(p.workId)")
            }
            return moved
        }
    }

    func remove(_ id: UUID, workId: String, by actor: String) async throws {
        try await company.db.writeTransaction { [company, now] tx in
            let data = company.data.on(tx)
            let team = try await Self.team(id, data: data)
            guard let p = try await data.query(User.self).filter(\.$workId == workId).filter(\.$teamID == id).first() else {
                throw KefuError.notFound("班组成员 \(workId) ")
            }
            p.teamID = nil
            try await p.save(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "team.member_removed", objectType: "team", objectId: id.uuidString, before: "\(team.name) \(workId)")
        }
    }

    /// Removes a team; its agents stay, in no team.
    func delete(_ id: UUID, by actor: String) async throws {
        try await company.db.writeTransaction { [company, now] tx in
            let data = company.data.on(tx)
            let team = try await Self.team(id, data: data)
            for p in try await data.query(User.self).filter(\.$teamID == id).all() {
                p.teamID = nil
                try await p.save(on: tx)
            }
            try await team.delete(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "team.deleted", objectType: "team", objectId: id.uuidString, before: team.name)
        }
    }

    /// The work IDs of the agents in the teams `lead` leads (none: an empty set).
    static func members(ledBy lead: User, data: TenantData) async throws -> Set<String> {
        guard let leadID = lead.id else { return [] }
        let teams = try await data.query(Team.self).filter(\.$leadID == leadID).all().compactMap(\.id)
        guard !teams.isEmpty else { return [] }
        return Set(try await data.query(User.self).filter(\.$teamID ~~ teams).all().map(\.workId))
    }

    static func workIds(_ raw: String?) -> [String] {
        var seen: Set<String> = []
        return (raw ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0.isWhitespace })
            .map(String.init).filter { seen.insert($0).inserted }
    }

    private static func team(_ id: UUID, data: TenantData) async throws -> Team {
        guard let team = try await data.query(Team.self).filter(\.$id == id).first() else { throw KefuError.notFound("班组") }
        return team
    }

    private static func workId(_ id: UUID?, data: TenantData) async throws -> String? {
        guard let id else { return nil }
        return try await data.query(User.self).filter(\.$id == id).first()?.workId
    }

    /// The team lead a form names (blank: none), who must be an active team lead of the company.
    private static func lead(_ raw: String?, data: TenantData) async throws -> User? {
        let workId = (raw ?? "").trimmingCharacters(in: .whitespaces)
        guard !workId.isEmpty else { return nil }
        guard let u = try await data.query(User.self).filter(\.$workId == workId).first() else {
            throw KefuError.invalid([.init(field: "lead", message: "本公司没有工号 \(workId)")])
        }
        guard let role = Role(rawValue: u.role) else { throw KefuError.invalid([.init(field: "lead", message: "\(workId) 的角色无法识别")]) }
        if let p = TeamRules.leadProblem(workId, role: role) { throw KefuError.invalid([FieldProblemDTO(p)]) }
        guard u.active else { throw KefuError.invalid([.init(field: "lead", message: "\(workId) 已停用")]) }
        return u
    }
}
