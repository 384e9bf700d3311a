import Vapor
import Fluent
import KefuCore

/// Field visits (上门, R8.1, R8.2) as one person works them: the front line books a slot on an
/// order it can read and records the customer's reconfirmation; the technician works their
/// own visits. KefuCore decides what is allowed (`VisitRules`); this stores the answer, puts
/// each step on the order's timeline and sends the result back to the order's owner.
struct VisitDesk {
    let scope: OrderScope
    let user: User
    let now: Date
    let timeZone: TimeZone

    var tenant: TenantData { scope.tenant }
    var actor: String { user.workId }

    static func of(_ req: Request) async throws -> VisitDesk {
        VisitDesk(scope: try await req.orderScope(), user: try req.user(), now: req.now, timeZone: req.kefu.settings.timeZone)
    }

    // MARK: technicians

    /// The active technicians of `company` with their profiles (nil: not set up yet).
    func technicians(company: UUID? = nil) async throws -> [(user: User, profile: TechnicianProfile?)] {
        let q = tenant.query(User.self).filter(\.$role == Role.technician.rawValue).filter(\.$active == true)
        if let company { q.filter(\.$companyID == company) }
        let users = try await q.sort(\.$workId).all()
        let profiles = try await tenant.query(TechnicianProfile.self).filter(\.$workId ~~ users.map(\.workId)).all()
        return users.map { u in (u, profiles.first { $0.workId == u.workId && $0.companyID == u.companyID }) }
    }

    /// The technicians booking may offer for an order of `company`.
    func bookable(company: UUID) async throws -> [Technician] {
        try await technicians(company: company).compactMap { $0.profile?.technician }
    }

    struct ProfileInput: Content { var skills: String?; var areas: String?; var hours: String?; var weekdays: [Int]? }

    /// Sets a technician's skills, areas and hours (audited).
    func saveProfile(workId: String, _ input: ProfileInput) async throws -> TechnicianProfile {
        guard let tech = try await technicians().first(where: { $0.user.workId == workId })?.user else {
            throw KefuError.notFound("上门工程师 \(workId)")
        }
        let skills = VisitRules.words(input.skills), areas = VisitRules.words(input.areas)
        let weekdays = Set(input.weekdays ?? [])
        let problems = VisitRules.profileProblems(skills: skills, areas: areas, hours: input.hours, weekdays: weekdays)
        guard problems.isEmpty else { throw KefuError.invalid(problems.map(FieldProblemDTO.init)) }
        let hours = WorkingHours.parse(input.hours ?? "", weekdays: weekdays)?.text ?? ""
        return try await tenant.db.writeTransaction { [tenant, actor, now] tx in
            let row = try await tenant.on(tx).query(TechnicianProfile.self).filter(\.$companyID == tech.companyID)
                .filter(\.$workId == workId).first() ?? TechnicianProfile()
            let before = row.id == nil ? nil : "\(row.skills) | \(row.areas) | \(row.hours) | \(row.weekdays)"
            if row.id == nil { row.id = UUID(); row.companyID = tech.companyID; row.workId = workId }
            row.skills = skills.joined(separator: ","); row.areas = areas.joined(separator: ",")
            row.hours = hours; row.weekdays = weekdays.sorted().map(String.init).joined(separator: ",")
            row.updatedAt = now; row.updatedBy = actor
            try await row.save(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now).audit(
                action: "visit.technician_saved", objectType: "technician_profile", objectId: workId,
                before: before, after: "\(row.skills) | \(row.areas) | \(row.hours) | \(row.weekdays)")
            return row
        }
    }

    // MARK: booking

    /// An order the person may book a visit on: one they can read, still open, with an address
    /// that names its district. Named in a body (`inBody`), a missing order is that field's
    /// 422; named in the path, a 404. Either way the key sent is not echoed back.
    func bookableOrder(_ key: String?, inBody: Bool = true) async throws -> WorkOrder {
        guard let key = key?.trimmingCharacters(in: .whitespaces), !key.isEmpty else {
            throw KefuError.invalid([.init(field: "workOrderId", message: "请指明工单")])
        }
        let order: WorkOrder
        do { order = try await scope.find(key) } catch let e as KefuError where e.status == .notFound && inBody {
            throw KefuError.invalid([.init(field: "workOrderId", message: "工单不存在")])
        }
        guard order.statusValue != .closed else { throw KefuError.conflict("order_closed", "工单 \(order.number) 已关闭，不能再预约上门。") }
        guard Self.area(of: order) != nil else {
            throw KefuError.invalid([.init(field: "workOrderId", message: "工单 \(order.number) 没有上门地址（须写明区/县），请先补全地址")])
        }
        return order
    }

    static func area(of order: WorkOrder) -> String? {
        let d = order.address?.district?.trimmingCharacters(in: .whitespaces) ?? ""
        return d.isEmpty ? nil : d
    }

    /// Each technician's open visits that touch `from ..< to`.
    func booked(_ workIds: [String], from: Date, to: Date, on db: Database? = nil, except: UUID? = nil) async throws -> [String: [DateInterval]] {
        let data = db.map { tenant.on($0) } ?? tenant
        guard !workIds.isEmpty else { return [:] }
        let q = data.query(FieldVisit.self).filter(\.$technicianWorkId ~~ workIds)
            .filter(\.$status ~~ VisitStatus.allCases.filter(\.isOpen)).filter(\.$slotStart < to).filter(\.$slotEnd > from)
        if let except { q.filter(\.$id != except) }
        var out: [String: [DateInterval]] = [:]
        for v in try await q.all() { out[v.technicianWorkId, default: []].append(v.interval) }
        return out
    }

    /// The free slots of `day` for `order` (by its district and the skill asked).
    func slots(order: WorkOrder, day: LocalDay, skill: String?) async throws -> [VisitSlot] {
        guard let area = Self.area(of: order) else { return [] }
        let techs = try await bookable(company: order.companyID)
        let start = day.start(in: timeZone)
        let booked = try await booked(techs.map(\.workId), from: start, to: start.addingTimeInterval(86400))
        return VisitRules.slots(day: day, timeZone: timeZone, technicians: techs, booked: booked, skill: skill, area: area, now: now)
    }

    /// The skills booking can ask for: those of the technicians serving the company.
    func skills(company: UUID) async throws -> [String] {
        Array(Set(try await bookable(company: company).flatMap(\.skills))).sorted()
    }

    struct BookInput: Content {
        var workOrderId: String?
        var slotStart: String?
        var technicianWorkId: String?
        var skill: String?
        var bring: String?
    }

    /// Books a visit. The window is checked again inside the write, and the one-per-window
    /// index settles two agents booking one technician's window at the same moment.
    func book(_ input: BookInput, previous: FieldVisit? = nil) async throws -> FieldVisit {
        let order = try await bookableOrder(input.workOrderId)
        guard let area = Self.area(of: order) else { throw KefuError.invalid([.init(field: "workOrderId", message: "工单没有上门地址")]) }
        var problems: [FieldProblemDTO] = []
        let start = PageFormat.parseInput(input.slotStart, timeZone)
        if start == nil { problems.append(.init(field: "slotStart", message: "请选择上门时段（如 2026-12-08T10:00:00+08:00）")) }
        let techId = (input.technicianWorkId ?? "").trimmingCharacters(in: .whitespaces)
        if techId.isEmpty { problems.append(.init(field: "technicianWorkId", message: "请选择上门工程师")) }
        let skill = (input.skill ?? "").trimmingCharacters(in: .whitespaces)
        if let p = Validation.checkLine(input.skill, field: "skill", label: "技能", max: 20, required: false) { problems.append(.init(p)) }
        if let p = Validation.checkText(input.bring, field: "bring", label: "携带工具和备件", max: 200, required: false) { problems.append(.init(p)) }
        guard problems.isEmpty, let start else { throw KefuError.invalid(problems) }
        let tech = try await bookable(company: order.companyID).first { $0.workId == techId }
        let end = start.addingTimeInterval(Double(VisitRules.slotMinutes) * 60)
        let orderID = try order.requireID()
        let earlier = try await tenant.query(FieldVisit.self).filter(\.$workOrderID == orderID)
            .filter(\.$status != .cancelled).all().map(\.slotStart)
        let visit = FieldVisit()
        visit.id = UUID(); visit.companyID = order.companyID; visit.branchID = order.branchID; visit.workOrderID = orderID
        visit.orderNumber = order.number; visit.technicianWorkId = techId; visit.skill = skill.isEmpty ? nil : skill
        visit.area = area; visit.address = order.address?.singleLine ?? ""
        visit.bring = (input.bring ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        visit.slotStart = start; visit.slotEnd = end; visit.bookedStart = start; visit.status = .booked
        visit.bookedBy = actor; visit.bookedAt = now
        visit.reconfirmDueAt = VisitRules.reconfirmDue(visitStart: start, bookedAt: now, timeZone: timeZone)
        visit.previousVisitID = previous?.id
        visit.repeatVisit = VisitRules.isRepeat(slotStart: start, earlierVisits: earlier)
        visit.signed = false
        let when = "\(PageFormat.dateTime(start, timeZone))–\(PageFormat.dateTime(end, timeZone).suffix(5))"
        do {
            try await tenant.db.writeTransaction { [self] tx in
                let taken = try await booked([techId], from: start.addingTimeInterval(-86400), to: end.addingTimeInterval(86400), on: tx)[techId] ?? []
                if let p = VisitRules.bookingProblem(start: start, technician: tech, booked: taken, skill: visit.skill, area: area, now: now, timeZone: timeZone) {
                    throw KefuError.invalid([.init(p)])
                }
                try await visit.create(on: tx)
                if let previous {
                    previous.nextVisitID = visit.id
                    try await previous.save(on: tx)
                }
                try await History(db: tx, actorWorkId: actor, ip: nil, now: now).workOrder(
                    orderID, kind: "visit_booked",
                    summary: "预约上门 \(when)，工程师 \(techId)\(visit.repeatVisit ? "（重复上门）" : "")",
                    changes: ["visit": .init(from: nil, to: when)])
            }
        } catch let e as KefuError {
            throw e
        } catch {
            // The one-per-window index: someone booked this window a moment ago.
            if try await !(booked([techId], from: start, to: end)[techId] ?? []).isEmpty {
                throw KefuError.conflict("slot_taken", "工程师 \(techId) 的这个时段刚被预约，请另选时段。")
            }
            throw error
        }
        return visit
    }

    // MARK: reading

    /// A visit this person may see: the technician's own, or one on an order the front line
    /// can read. Anything else is missing (404), so its existence does not leak.
    func visit(_ id: UUID?) async throws -> FieldVisit {
        let v = try await tenant.require(FieldVisit.self, id, "上门预约")
        guard try await mayRead(v) else { throw KefuError.notFound("上门预约") }
        return v
    }

    func mayRead(_ v: FieldVisit) async throws -> Bool {
        if v.technicianWorkId == actor && user.can(.visitServe) { return true }
        guard user.can(.visitBook) else { return false }
        return try await scope.orders().filter(\.$id == v.workOrderID).count() > 0
    }

    func visits(of order: WorkOrder) async throws -> [FieldVisit] {
        try await tenant.query(FieldVisit.self).filter(\.$workOrderID == order.requireID()).sort(\.$slotStart).all()
    }

    /// One technician's visits of a day, in time order (their route).
    func route(of workId: String, day: LocalDay) async throws -> [FieldVisit] {
        let start = day.start(in: timeZone)
        return try await tenant.query(FieldVisit.self).filter(\.$technicianWorkId == workId)
            .filter(\.$slotStart >= start).filter(\.$slotStart < start.addingTimeInterval(86400))
            .filter(\.$status != .cancelled).sort(\.$slotStart).all()
    }

    /// The front line's list: the visits of a day on orders they can read.
    func day(_ day: LocalDay) async throws -> [FieldVisit] {
        let start = day.start(in: timeZone)
        return try await visible(tenant.query(FieldVisit.self).filter(\.$slotStart >= start)
            .filter(\.$slotStart < start.addingTimeInterval(86400)).sort(\.$slotStart).limit(500).all())
    }

    /// Open visits whose reconfirmation call is due and not yet made.
    func reconfirmDue() async throws -> [FieldVisit] {
        try await visible(tenant.query(FieldVisit.self).filter(\.$status == .booked).filter(\.$reconfirmDueAt <= now)
            .sort(\.$slotStart).limit(200).all())
    }

    private func visible(_ rows: [FieldVisit]) async throws -> [FieldVisit] {
        let ids = Array(Set(rows.map(\.workOrderID)))
        guard !ids.isEmpty else { return [] }
        let seen = Set(try await scope.orders().filter(\.$id ~~ ids).all(\.$id))
        return rows.filter { seen.contains($0.workOrderID) }
    }
}
