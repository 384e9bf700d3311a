import Vapor
import KefuCore

/// The work order as the API shows it, with its company's and branch's codes (R11).
struct WorkOrderDTO: Content {
    var id: UUID
    /// Read from the row; the JSON carries the codes instead.
    var companyID: UUID?
    var branchID: UUID?
    var companyCode: String?
    var branchCode: String?
    var number: String
    var type: String
    var channel: String
    var status: String
    var priority: String
    var subject: String
    var description: String
    var ownerWorkId: String
    var customerId: UUID
    var address: Address?
    var needsVisit: Bool
    var firstResponseDueAt: Date
    var firstRespondedAt: Date?
    var resolutionDueAt: Date?
    var resolvedAt: Date?
    var closedAt: Date?
    var escalationLevel: Int
    var duplicateOf: UUID?
    var promisedReplyAt: Date?
    var callbackDone: Bool
    var openSupervisionOrders: Int
    var createdAt: Date
    var updatedAt: Date

    init(_ o: WorkOrder, labels: TenantLabels) {
        companyID = o.companyID; branchID = o.branchID
        companyCode = labels.companyCode(o.companyID); branchCode = o.branchID.map { labels.branchCode($0) }
        id = o.id!; number = o.number; type = o.type; channel = o.channel; status = o.status
        priority = o.priority; subject = o.subject; description = o.description; ownerWorkId = o.ownerWorkId
        customerId = o.$customer.id; address = o.address; needsVisit = o.needsVisit
        firstResponseDueAt = o.firstResponseDueAt; firstRespondedAt = o.firstRespondedAt
        resolutionDueAt = o.resolutionDueAt; resolvedAt = o.resolvedAt; closedAt = o.closedAt
        escalationLevel = o.escalationLevel; duplicateOf = o.duplicateOf; promisedReplyAt = o.promisedReplyAt
        callbackDone = o.callbackDone; openSupervisionOrders = o.openSupervisionCount
        createdAt = o.createdAt; updatedAt = o.updatedAt
    }

    /// Fills the codes of a row read without them (the list's SQL).
    mutating func label(_ labels: TenantLabels) {
        companyCode = labels.companyCode(companyID)
        branchCode = branchID.map { labels.branchCode($0) }
    }

    // Encode nulls explicitly so clients see every field.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(number, forKey: .number); try c.encode(type, forKey: .type)
        try c.encode(companyCode ?? "", forKey: .companyCode); try c.encode(branchCode, forKey: .branchCode)
        try c.encode(channel, forKey: .channel); try c.encode(status, forKey: .status); try c.encode(priority, forKey: .priority)
        try c.encode(subject, forKey: .subject); try c.encode(description, forKey: .description)
        try c.encode(ownerWorkId, forKey: .ownerWorkId); try c.encode(customerId, forKey: .customerId)
        try c.encode(address, forKey: .address); try c.encode(needsVisit, forKey: .needsVisit)
        try c.encode(firstResponseDueAt, forKey: .firstResponseDueAt); try c.encode(firstRespondedAt, forKey: .firstRespondedAt)
        try c.encode(resolutionDueAt, forKey: .resolutionDueAt); try c.encode(resolvedAt, forKey: .resolvedAt)
        try c.encode(closedAt, forKey: .closedAt); try c.encode(escalationLevel, forKey: .escalationLevel)
        try c.encode(duplicateOf, forKey: .duplicateOf); try c.encode(promisedReplyAt, forKey: .promisedReplyAt)
        try c.encode(callbackDone, forKey: .callbackDone); try c.encode(openSupervisionOrders, forKey: .openSupervisionOrders)
        try c.encode(createdAt, forKey: .createdAt); try c.encode(updatedAt, forKey: .updatedAt)
    }
}

struct WorkOrderListDTO: Content {
    var items: [WorkOrderDTO]
    var total: Int
    var limit: Int
    var offset: Int
}

/// What a new order is made from, whether it came as JSON or from the page's form.
/// Everything is optional text here so that bad input becomes a 422 with a reason per
/// field instead of a decoding failure.
struct WorkOrderCreateInput: Content {
    /// The branch the order belongs to; default: the person's own branch.
    var branchCode: String?
    var type: String?
    var channel: String?
    var subject: String?
    var description: String?
    var priority: String?
    var customerId: String?
    var customer: CustomerInput?
    var address: Address?
    var needsVisit: Bool?
    var promisedReplyAt: Date?
}

struct WorkOrderPatchInput: Content {
    var subject: String?
    var description: String?
    var priority: String?
    var status: String?
    var ownerWorkId: String?
    var handoverReason: String?
    var promisedReplyAt: Date?
}

struct TransferInput: Content {
    var target: String?
    var departmentId: String?
    var deadline: Date?
    var note: String?
}

struct ReceiptInput: Content {
    var text: String?
}

struct CallbackInput: Content {
    var reached: Bool?
    var satisfaction: Int?
    var note: String?
}

struct ReopenInput: Content {
    var reason: String?
}

struct SupervisionOrderDTO: Content {
    var id: UUID
    var companyCode: String
    var workOrderId: UUID
    var workOrderNumber: String
    var departmentId: UUID
    var departmentName: String
    var status: String
    var deadline: Date
    var note: String
    var receiptText: String?
    var answeredAt: Date?
    var answeredByWorkId: String?
    var escalated: Bool
    var createdAt: Date
    var createdByWorkId: String

    init(_ s: SupervisionOrder, workOrderNumber: String, departmentName: String, companyCode: String) {
        self.companyCode = companyCode
        id = s.id!; workOrderId = s.$workOrder.id; self.workOrderNumber = workOrderNumber
        departmentId = s.$department.id; self.departmentName = departmentName; status = s.status
        deadline = s.deadline; note = s.note; receiptText = s.receiptText; answeredAt = s.answeredAt
        answeredByWorkId = s.answeredByWorkId; escalated = s.escalated; createdAt = s.createdAt
        createdByWorkId = s.createdByWorkId
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(companyCode, forKey: .companyCode); try c.encode(workOrderId, forKey: .workOrderId)
        try c.encode(workOrderNumber, forKey: .workOrderNumber); try c.encode(departmentId, forKey: .departmentId)
        try c.encode(departmentName, forKey: .departmentName); try c.encode(status, forKey: .status)
        try c.encode(deadline, forKey: .deadline); try c.encode(note, forKey: .note)
        try c.encode(receiptText, forKey: .receiptText); try c.encode(answeredAt, forKey: .answeredAt)
        try c.encode(answeredByWorkId, forKey: .answeredByWorkId); try c.encode(escalated, forKey: .escalated)
        try c.encode(createdAt, forKey: .createdAt); try c.encode(createdByWorkId, forKey: .createdByWorkId)
    }
}

struct AcceptanceFormDTO: Content {
    var id: UUID
    var workOrderId: UUID
    var kind = "acceptance_form"
    var note: String
    var createdAt: Date
    var createdByWorkId: String
}

struct CallbackDTO: Content {
    var id: UUID
    var workOrderId: UUID
    var reached: Bool
    var satisfaction: Int?
    var note: String
    var byWorkId: String
    var createdAt: Date
    var reopened: Bool

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(workOrderId, forKey: .workOrderId); try c.encode(reached, forKey: .reached)
        try c.encode(satisfaction, forKey: .satisfaction); try c.encode(note, forKey: .note); try c.encode(byWorkId, forKey: .byWorkId)
        try c.encode(createdAt, forKey: .createdAt); try c.encode(reopened, forKey: .reopened)
    }
}

struct TimelineEventDTO: Content {
    var id: UUID
    var at: Date
    var actorWorkId: String?
    var kind: String
    var summary: String
    var changes: [String: [String: String?]]

    init(_ e: TimelineEvent) {
        id = e.id!; at = e.at; actorWorkId = e.actorWorkId; kind = e.kind; summary = e.summary
        changes = (try? JSONDecoder().decode([String: [String: String?]].self, from: Data(e.changes.utf8))) ?? [:]
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(at, forKey: .at); try c.encode(actorWorkId, forKey: .actorWorkId)
        try c.encode(kind, forKey: .kind); try c.encode(summary, forKey: .summary); try c.encode(changes, forKey: .changes)
    }
}

struct ItemsDTO<T: Content>: Content {
    var items: [T]
}

// MARK: hand-written JSON (JSONWriter): the same fields, in the order `encode(to:)` writes them

extension WorkOrderDTO {
    func write(to w: inout JSONWriter) throws {
        w.beginObject()
        w.key("id"); w.uuid(id)
        w.key("number"); w.string(number)
        w.key("type"); w.string(type)
        w.key("companyCode"); w.string(companyCode ?? "")
        w.key("branchCode"); w.string(branchCode)
        w.key("channel"); w.string(channel)
        w.key("status"); w.string(status)
        w.key("priority"); w.string(priority)
        w.key("subject"); w.string(subject)
        w.key("description"); w.string(description)
        w.key("ownerWorkId"); w.string(ownerWorkId)
        w.key("customerId"); w.uuid(customerId)
        w.key("address")
        if let a = address {
            // Only the parts present, as the synthesized encoder writes them.
            let parts: [(StaticString, String?)] = [("city", a.city), ("district", a.district), ("town", a.town), ("street", a.street),
                                                    ("estate", a.estate), ("building", a.building), ("unit", a.unit),
                                                    ("floor", a.floor), ("door", a.door), ("landmark", a.landmark)]
            w.beginObject()
            for (key, value) in parts { if let value { w.key(key); w.string(value) } }
            w.endObject()
        } else { w.null() }
        w.key("needsVisit"); w.bool(needsVisit)
        w.key("firstResponseDueAt"); w.date(firstResponseDueAt)
        w.key("firstRespondedAt"); w.date(firstRespondedAt)
        w.key("resolutionDueAt"); w.date(resolutionDueAt)
        w.key("resolvedAt"); w.date(resolvedAt)
        w.key("closedAt"); w.date(closedAt)
        w.key("escalationLevel"); w.int(escalationLevel)
        w.key("duplicateOf"); w.uuid(duplicateOf)
        w.key("promisedReplyAt"); w.date(promisedReplyAt)
        w.key("callbackDone"); w.bool(callbackDone)
        w.key("openSupervisionOrders"); w.int(openSupervisionOrders)
        w.key("createdAt"); w.date(createdAt)
        w.key("updatedAt"); w.date(updatedAt)
        w.endObject()
    }

    /// The order as an HTTP answer.
    func response(_ status: HTTPStatus = .ok, timeZone: TimeZone) throws -> Response {
        var w = JSONWriter(timeZone: timeZone)
        try write(to: &w)
        return JSONWriter.response(status, w)
    }
}

extension WorkOrderListDTO {
    func write(to w: inout JSONWriter) throws {
        w.beginObject()
        w.key("items"); w.beginArray()
        for item in items { try item.write(to: &w) }
        w.endArray()
        w.key("total"); w.int(total)
        w.key("limit"); w.int(limit)
        w.key("offset"); w.int(offset)
        w.endObject()
    }

    func response(timeZone: TimeZone) throws -> Response {
        var w = JSONWriter(timeZone: timeZone, capacity: 1024 * (items.count + 1))
        try write(to: &w)
        return JSONWriter.response(.ok, w)
    }
}

extension JSONWriter {
    static func response(_ status: HTTPStatus, _ w: JSONWriter) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(buffer: ByteBuffer(bytes: w.bytes)))
    }
}
