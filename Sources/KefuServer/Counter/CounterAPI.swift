import Vapor
import Fluent
import KefuCore

/// The hall's queue over the API (R3.6), for kiosks and counter terminals that are not our
/// pages: take a ticket, call the next one, act on the called one, read the queue and the
/// waiting and service times.
struct CounterAPI {
    func register(_ api: RoutesBuilder) {
        let counter = api.grouped("counter").requiring(.counterServe)
        counter.idempotent().post("tickets", use: issue)
        counter.post("call-next", use: callNext)
        for action in TicketAction.allCases {
            counter.post("tickets", ":id", .constant(action.rawValue)) { req async throws -> TicketDTO in
                try await act(req, action)
            }
        }
        counter.get("queue", use: queue)
        api.grouped("counter").requiring(.reportsRead).get("report", use: report)
    }

    struct TicketDTO: Content {
        var id: UUID
        var number: String
        /// The service's code (the letter of the number).
        var service: String
        var serviceName: String
        var priority: String
        var status: String
        var issuedAt: Date
        var counter: String?
        var forCounter: String?
        var calledAt: Date?
        var recalls: Int
        /// Only on a new ticket: who is called before it and about how long that takes.
        var ahead: Int?
        var expectedWaitMinutes: Int?

        init(_ t: CounterTicket, ahead: Int? = nil, expectedWaitMinutes: Int? = nil) throws {
            id = try t.requireID(); number = t.number; service = t.serviceCode; serviceName = t.serviceName
            priority = t.priority.rawValue; status = t.status.rawValue; issuedAt = t.issuedAt; counter = t.counter
            forCounter = t.forCounter; calledAt = t.calledAt; recalls = t.recalls
            self.ahead = ahead; self.expectedWaitMinutes = expectedWaitMinutes
        }
    }

    struct IssueInput: Content { var service: String?; var priority: String?; var branchCode: String? }
    struct CallInput: Content { var counter: String?; var branchCode: String? }
    struct ActInput: Content { var toCounter: String? }

    func issue(req: Request) async throws -> Response {
        let input = try req.content.decode(IssueInput.self)
        let issued = try await CounterHall.of(req, branchCode: try CounterHall.checkedBranchCode(input.branchCode)).issue(service: input.service, priority: input.priority)
        let res = Response(status: .created)
        try res.content.encode(try TicketDTO(issued.ticket, ahead: issued.ahead, expectedWaitMinutes: issued.expectedWaitMinutes))
        return res
    }

    func callNext(req: Request) async throws -> Response {
        let input = try req.content.decode(CallInput.self)
        guard let t = try await CounterHall.of(req, branchCode: try CounterHall.checkedBranchCode(input.branchCode)).callNext(counter: input.counter) else {
            return Response(status: .noContent)
        }
        let res = Response(status: .ok)
        try res.content.encode(try TicketDTO(t))
        return res
    }

    func act(_ req: Request, _ action: TicketAction) async throws -> TicketDTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("排队号") }
        // A body is optional here (only a transfer needs one).
        let input = req.body.data == nil ? ActInput() : try req.content.decode(ActInput.self)
        let hall = try await CounterHall.of(req, ticket: id)
        return try TicketDTO(try await hall.act(id, action, toCounter: input.toCounter))
    }

    struct ServiceQueueDTO: Content { var code: String; var name: String; var waiting: Int; var priority: Int; var expectedWaitMinutes: Int }
    struct CounterDTO: Content { var name: String; var services: [String]; var clerkWorkId: String; var current: String? }
    struct QueueDTO: Content { var branchCode: String; var services: [ServiceQueueDTO]; var counters: [CounterDTO]; var calls: [TicketDTO] }

    func queue(req: Request) async throws -> QueueDTO {
        try req.refuseEmptyQuery("branchCode")
        let hall = try await CounterHall.of(req, branchCode: try CounterHall.checkedBranchCode(req.query[String.self, at: "branchCode"]))
        let calls = try await hall.recentCalls()
        var counters: [CounterDTO] = []
        for w in try await hall.windows() {
            counters.append(CounterDTO(name: w.name, services: w.serviceCodes.sorted(), clerkWorkId: w.clerkWorkId,
                                       current: try await hall.current(counter: w.name)?.number))
        }
        return QueueDTO(branchCode: hall.branch.code,
                        services: try await hall.queues().map { ServiceQueueDTO(code: $0.service.code, name: $0.service.name, waiting: $0.waiting,
                                                                                 priority: $0.priority, expectedWaitMinutes: $0.expectedWaitMinutes) },
                        counters: counters, calls: try calls.map { try TicketDTO($0) })
    }

    func report(req: Request) async throws -> CounterReport.DTO {
        try req.refuseEmptyQuery("from", "to", "branchCode")
        struct Query: Content { var from: String?; var to: String?; var branchCode: String? }
        let q = try req.query.decode(Query.self)
        let range = try PeriodQuery.range(from: q.from, to: q.to)
        let hall = try await CounterHall.of(req, branchCode: try CounterHall.checkedBranchCode(q.branchCode))
        return try await CounterReport(hall: hall).figures(range).dto(branchCode: hall.branch.code)
    }
}
