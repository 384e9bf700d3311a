import Vapor
import Fluent
import KefuCore

/// The change-request form and the team lead's decision on the customer page (R5.4): the
/// page does what `CustomerChangeAPI` does, and answers with the customer page and a notice.
struct CustomerChangePages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.customerWrite).post("customers", ":id", "change-requests", use: create)
        routes.requiring(.customerChangeApprove).post("customers", ":id", "change-requests", ":requestId", "decision", use: decide)
    }

    struct Form: Content {
        var name: String?; var phone: String?; var phone2: String?; var idNumber: String?; var phones: String?; var emails: String?
        var city: String?; var district: String?; var town: String?; var street: String?; var estate: String?
        var building: String?; var unit: String?; var floor: String?; var door: String?; var landmark: String?
        var method: String?; var value: String?

        /// Blank fields stay as they are; any address part given replaces the whole address.
        var changes: CustomerChanges {
            func given(_ s: String?) -> String? {
                guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
                return t
            }
            let address = Address(city: given(city), district: given(district), town: given(town), street: given(street),
                                  estate: given(estate), building: given(building), unit: given(unit), floor: given(floor),
                                  door: given(door), landmark: given(landmark))
            func list(_ s: String?) -> [String]? {
                given(s).map { $0.split(whereSeparator: { ",，、;；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            }
            return CustomerChanges(name: given(name), phone: given(phone), phone2: given(phone2), idNumber: given(idNumber),
                                   address: address.isEmpty ? nil : address, phones: list(phones), emails: list(emails))
        }
    }

    func create(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        let form = try req.content.decode(Form.self)
        let location = "/customers/\(id.uuidString)"
        let service = try await CustomerChangeService(req)
        return try await req.once(form: "customer.change:\(id.uuidString)", fallback: location) {
            do {
                let row = try await service.request(customerID: id, .init(changes: form.changes, verification: .init(method: form.method, value: form.value)))
                let notice = row.status == .applied ? "客户资料已变更（已记录变更前后内容）" : "变更申请已提交，待班长审批（特殊客户）"
                return .created(location, req.redirect(to: location, notice: notice))
            } catch let e as KefuError where e.code == "verification_failed" {
                // The refusal is stored (and the form's token with it): a repeat lands here too.
                return .created(location, req.redirect(to: location, notice: e.reason))
            } catch let e as KefuError where e.status != .notFound {
                return .refused(req.redirect(to: location, notice: Self.notice(e)))
            }
        }
    }

    func decide(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        guard let requestID = req.parameters.get("requestId", as: UUID.self) else { throw KefuError.notFound("变更申请") }
        struct Decision: Content { var decision: String?; var note: String? }
        let form = try req.content.decode(Decision.self)
        guard let decision = form.decision, ["approve", "reject"].contains(decision) else {
            throw KefuError.invalid([.init(field: "decision", message: "请选择批准或驳回。")])
        }
        let location = "/customers/\(id.uuidString)"
        let service = try await CustomerChangeService(req)
        do {
            let row = try await service.decide(customerID: id, requestID: requestID, approve: decision == "approve", note: form.note)
            return req.redirect(to: location, notice: row.status == .applied ? "已批准，客户资料已变更" : "已驳回该变更申请")
        } catch let e as KefuError where e.status != .notFound {
            return req.redirect(to: location, notice: Self.notice(e))
        }
    }

    private static func notice(_ e: KefuError) -> String { e.noticeText(separator: " ") }

    /// A request as the customer page lists it (numbers masked: the list is not the record).
    struct Row: Encodable {
        var id: String; var at: String; var requestedBy: String; var method: String; var status: String; var statusLabel: String
        var summary: String; var decidedBy: String?; var note: String?; var pending: Bool
    }

    static func rows(customerID: UUID, tenant: TenantData, timeZone: TimeZone, sealer: FieldSealer) async throws -> (rows: [Row], failed: Int) {
        let all = try await tenant.query(CustomerChangeRequest.self).filter(\.$customerID == customerID)
            .sort(\.$createdAt, .descending).limit(100).all()
        let rows = try all.filter { $0.status != .refused }.map { r -> Row in
            let c = try CustomerChanges.decode(r.changes, sealer).masked
            let parts = [c.name.map { "姓名→\($0)" }, c.phone.map { "电话→\($0)" }, c.phone2.map { "备用电话→\($0.isEmpty ? "（清除）" : $0)" },
                         c.idNumber.map { "证件号→\($0.isEmpty ? "（清除）" : $0)" }, c.address.map { "地址→\($0.singleLine)" },
                         c.phones.map { "其他电话→\($0.isEmpty ? "（清除）" : $0.joined(separator: "、"))" },
                         c.emails.map { "电子邮箱→\($0.isEmpty ? "（清除）" : $0.joined(separator: "、"))" }].compactMap { $0 }
            return Row(id: try r.requireID().uuidString, at: PageFormat.dateTime(r.createdAt, timeZone), requestedBy: r.requestedBy,
                       method: r.method.label, status: r.status.rawValue, statusLabel: r.status.label, summary: parts.joined(separator: "；"),
                       decidedBy: r.decidedBy, note: r.decisionNote, pending: r.status == .pending)
        }
        return (rows, all.filter { $0.status == .refused }.count)
    }
}
