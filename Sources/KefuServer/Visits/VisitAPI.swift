import Vapor
import Fluent
import KefuCore

/// Field visits over the API (R8.1, R8.2): free slots, booking, the technician's steps, the
/// customer's signature, the technicians' profiles and their figures.
struct VisitAPI {
    /// The path of each action (`no-one-home`), from KefuCore's names (`no_one_home`).
    static func path(_ action: VisitAction) -> String { action.rawValue.replacingOccurrences(of: "_", with: "-") }

    func register(_ api: RoutesBuilder) {
        let book = api.grouped("visits").requiring(.visitBook)
        book.idempotent().post(use: create)
        book.get(use: list)
        book.get("slots", use: slots)
        let serve = api.grouped("visits").requiring(.visitServe)
        serve.get("route", use: route)
        for action in VisitAction.allCases {
            let group = action == .reconfirm || action == .cancel ? book : serve
            group.post(":id", .constant(Self.path(action))) { req async throws -> VisitDTO in
                let input = req.body.data == nil ? VisitDesk.ActInput() : try req.content.decode(VisitDesk.ActInput.self)
                let desk = try await VisitDesk.of(req)
                return try await VisitDTO(try await desk.act(req.parameters.get("id", as: UUID.self), action, input), desk)
            }
        }
        // Either side of a visit reads it; `VisitDesk.visit` answers 404 to anyone else.
        let either = api.grouped("visits").requiring(.signedIn)
        either.get(":id", use: one)
        either.get(":id", "signature", use: signature)
        api.grouped("visits").requiring(.reportsRead).get("report", use: report)
        api.grouped("technicians").requiring(.visitBook).get(use: technicians)
        api.grouped("technicians").requiring(.visitPlan).put(":workId", use: saveTechnician)
    }

    struct VisitDTO: Content {
        var id: UUID
        var workOrderId: UUID
        var workOrderNumber: String
        var technicianWorkId: String
        var skill: String?
        var area: String
        var address: String
        var bring: String
        var slotStart: Date
        var slotEnd: Date
        var bookedStart: Date
        var status: String
        var bookedBy: String
        var bookedAt: Date
        var reconfirmDueAt: Date
        var confirmedAt: Date?
        var onTheWayAt: Date?
        var lateNoticeAt: Date?
        var lateNoticeInTime: Bool?
        var finishedAt: Date?
        var result: String?
        var fallbackPlan: String?
        var note: String?
        var previousVisitId: UUID?
        var nextVisitId: UUID?
        var repeatVisit: Bool
        var signed: Bool

        init(_ v: FieldVisit, _ desk: VisitDesk? = nil) throws {
            id = try v.requireID(); workOrderId = v.workOrderID; workOrderNumber = v.orderNumber; technicianWorkId = v.technicianWorkId
            skill = v.skill; area = v.area; address = v.address; bring = v.bring; slotStart = v.slotStart; slotEnd = v.slotEnd
            bookedStart = v.bookedStart; status = v.status.rawValue; bookedBy = v.bookedBy; bookedAt = v.bookedAt
            reconfirmDueAt = v.reconfirmDueAt; confirmedAt = v.confirmedAt; onTheWayAt = v.onTheWayAt; lateNoticeAt = v.lateNoticeAt
            lateNoticeInTime = v.lateNoticeInTime; finishedAt = v.finishedAt; result = v.result; fallbackPlan = v.fallbackPlan
            note = v.doorNote ?? v.confirmNote ?? v.cancelReason; previousVisitId = v.previousVisitID; nextVisitId = v.nextVisitID
            repeatVisit = v.repeatVisit; signed = v.signed
        }
    }

    func create(req: Request) async throws -> Response {
        let desk = try await VisitDesk.of(req)
        let v = try await desk.book(try req.content.decode(VisitDesk.BookInput.self))
        let res = Response(status: .created)
        try res.content.encode(try VisitDTO(v))
        return res
    }

    static func day(_ raw: String?, _ req: Request) throws -> LocalDay {
        guard let raw else { return LocalDay(req.now, in: req.kefu.settings.timeZone) }
        guard let d = LocalDay(raw) else { throw KefuError.invalid([.init(field: "date", message: "日期写作 YYYY-MM-DD")]) }
        return d
    }

    func list(req: Request) async throws -> [VisitDTO] {
        try req.refuseEmptyQuery("date")
        let desk = try await VisitDesk.of(req)
        return try await desk.day(try Self.day(req.query[String.self, at: "date"], req)).map { try VisitDTO($0) }
    }

    func route(req: Request) async throws -> [VisitDTO] {
        try req.refuseEmptyQuery("date")
        let desk = try await VisitDesk.of(req)
        return try await desk.route(of: desk.actor, day: try Self.day(req.query[String.self, at: "date"], req)).map { try VisitDTO($0) }
    }

    struct SlotDTO: Content { var start: Date; var end: Date; var technicians: [String] }

    func slots(req: Request) async throws -> [SlotDTO] {
        try req.refuseEmptyQuery("workOrderId", "date", "skill")
        let desk = try await VisitDesk.of(req)
        let order = try await desk.bookableOrder(req.query[String.self, at: "workOrderId"])
        let skill = req.query[String.self, at: "skill"]
        if let p = Validation.checkLine(skill, field: "skill", label: "技能", max: 20, required: false) { throw KefuError.invalid([.init(p)]) }
        return try await desk.slots(order: order, day: try Self.day(req.query[String.self, at: "date"], req), skill: skill)
            .map { SlotDTO(start: $0.start, end: $0.end, technicians: $0.technicians) }
    }

    func one(req: Request) async throws -> VisitDTO {
        let desk = try await VisitDesk.of(req)
        return try VisitDTO(try await desk.visit(req.parameters.get("id", as: UUID.self)))
    }

    /// The customer's signature, served as a download-safe PNG.
    func signature(req: Request) async throws -> Response {
        let desk = try await VisitDesk.of(req)
        let v = try await desk.visit(req.parameters.get("id", as: UUID.self))
        guard let s = try await desk.signature(of: v) else { throw KefuError.notFound("签名") }
        return Self.png(s.png)
    }

    static func png(_ data: Data) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .png
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    func report(req: Request) async throws -> VisitReport.DTO {
        try req.refuseEmptyQuery("from", "to")
        struct Query: Content { var from: String?; var to: String? }
        let q = try req.query.decode(Query.self)
        return try await VisitReport(tenant: try await req.tenant(), timeZone: req.kefu.settings.timeZone)
            .dto(try PeriodQuery.range(from: q.from, to: q.to))
    }

    struct TechnicianDTO: Content {
        var workId: String; var name: String; var skills: [String]; var areas: [String]; var hours: String?; var weekdays: [Int]
    }

    func technicians(req: Request) async throws -> [TechnicianDTO] {
        try await VisitDesk.of(req).technicians().map { t in
            TechnicianDTO(workId: t.user.workId, name: t.user.name, skills: VisitRules.words(t.profile?.skills),
                          areas: VisitRules.words(t.profile?.areas), hours: t.profile?.hours, weekdays: (t.profile?.weekdaySet ?? []).sorted())
        }
    }

    func saveTechnician(req: Request) async throws -> TechnicianDTO {
        struct Input: Content { var skills: [String]?; var areas: [String]?; var hours: String?; var weekdays: [Int]? }
        let input = try req.content.decode(Input.self)
        let workId = req.parameters.get("workId") ?? ""
        let desk = try await VisitDesk.of(req)
        let p = try await desk.saveProfile(workId: workId, .init(skills: input.skills?.joined(separator: ","), areas: input.areas?.joined(separator: ","),
                                                                 hours: input.hours, weekdays: input.weekdays))
        let name = try await desk.technicians().first { $0.user.workId == workId }?.user.name ?? ""
        return TechnicianDTO(workId: workId, name: name, skills: VisitRules.words(p.skills), areas: VisitRules.words(p.areas),
                             hours: p.hours, weekdays: p.weekdaySet.sorted())
    }
}
