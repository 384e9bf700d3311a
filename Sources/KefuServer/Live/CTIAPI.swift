import Vapor
import Fluent
import KefuCore

/// What switches push: canonical events as JSON (one or a batch), and Zammad's generic CTI
/// push for PBXs already wired for Zammad. Events are the token's company's; the dialled
/// number (`to`, `dialled`/`hotline`) picks the branch (`CTIEventStore.branches`). Each event is answered on its own: accepted
/// (new or a harmless repeat) or refused with the reason, and a bad event never costs
/// the good ones next to it.
struct CTIAPI {
    func register(_ api: RoutesBuilder) {
        let cti = api.grouped("cti")
        cti.switchRoutes().post("events", use: events)
        cti.switchRoutes().post(":token", use: zammad)
    }

    struct ResultDTO: Content {
        var index: Int
        var id: String?
        var status: String
        var code: String?
        var reason: String?
    }
    struct BatchDTO: Content {
        var accepted: Int
        var rejected: Int
        var results: [ResultDTO]
    }

    static let maxBatch = 5_000

    func events(req: Request) async throws -> BatchDTO {
        guard let buffer = req.body.data else { throw KefuError.badRequest("请求体须为一个事件对象或事件数组（JSON）。") }
        let results = CTIEvent.decodeBatch(Data(buffer: buffer))
        guard results.count <= Self.maxBatch else {
            throw KefuError.invalid([.init(field: "events", message: "每批最多 \(Self.maxBatch) 个事件。")])
        }
        let accepted = results.compactMap(\.event)
        let fresh = try await Self.store(accepted, company: try Self.company(req), source: req.storage[CTISwitchKey.self] ?? "switch", on: req)
        var out: [ResultDTO] = []
        var index = 0
        for r in results {
            defer { index += 1 }
            switch r {
            case .accepted(let e):
                out.append(ResultDTO(index: index, id: e.id, status: fresh.contains(e.id) ? "accepted" : "duplicate",
                                     code: nil, reason: fresh.contains(e.id) ? nil : "该事件已收到过，未重复记录。"))
            case .rejected(let i, let id, let reason):
                out.append(ResultDTO(index: i, id: id, status: "rejected", code: reason.code, reason: reason.message))
            }
        }
        return BatchDTO(accepted: out.filter { $0.status != "rejected" }.count, rejected: out.filter { $0.status == "rejected" }.count, results: out)
    }

    /// Zammad's push: form fields, answered with a JSON body (Zammad clients read it).
    func zammad(req: Request) async throws -> Response {
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        do {
            let events = try ZammadCTIAdapter().events(from: form, receivedAt: req.now)
            _ = try await Self.store(events, company: try Self.company(req), source: "zammad:" + (req.storage[CTISwitchKey.self] ?? ""), on: req)
            return try await [String: String]().encodeResponse(status: .ok, for: req)
        } catch let e as CTIEventRejection {
            throw KefuError(.unprocessableEntity, e.code, e.message)
        }
    }

    /// The company of the switch token the request came with (`CTITokenAuth` sets it).
    static func company(_ req: Request) throws -> UUID {
        guard let company = req.storage[CTICompanyKey.self] else {
            throw KefuError(.unauthorized, "unauthenticated", "交换机令牌无效：请用 kefu cti token add 生成。")
        }
        return company
    }

    /// Stores `company`'s events with what they are owed (wallboards told, voicemail orders,
    /// ACD offers): the same `CTIOutbox.ingest` as the switch connectors. Returns the ids that were new.
    static func store(_ events: [CTIEvent], company: UUID, source: String, on req: Request) async throws -> Set<String> {
        try await CTIOutbox(app: req.application).ingest(events, company: company, source: source, receivedAt: req.now)
    }
}
