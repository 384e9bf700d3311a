import Fluent
import Vapor
import KefuCore

/// The special-customers list (R5.3) and what hangs on it: the owner and the periodic
/// review, follow-up visits, the products/services with their expiry, and the reminders
/// the sweeper sends for all three. Every change is audited. Reads go through the reader's
/// order scope, so nobody manages a customer they could not open.
struct SpecialCustomerService {
    let scope: OrderScope
    let now: Date
    let timeZone: TimeZone
    let actor: String
    var db: Database { scope.db }
    var today: LocalDay { LocalDay(now, in: timeZone) }

    static let maxChannel = 40
    static let maxText = 500
    static let maxName = 100

    struct EntryInput: Content { var category: String?; var ownerWorkId: String?; var reviewOn: String?; var dedicatedChannel: String?; var note: String? }
    struct ReviewInput: Content { var nextReviewOn: String?; var note: String? }
    struct VisitInput: Content { var dueOn: String?; var purpose: String?; var ownerWorkId: String? }
    struct VisitDone: Content { var outcome: String? }
    struct ProductInput: Content { var name: String?; var startedOn: String?; var expiresOn: String?; var note: String? }

    // MARK: checks

    static func text(_ value: String?, field: String, label: String, max: Int, required: Bool, into problems: inout [FieldProblemDTO]) -> String? {
        if let p = Validation.checkLine(value, field: field, label: label, max: max, required: required) {
            problems.append(.init(field: p.field, message: p.message)); return nil
        }
        let t = value?.trimmingCharacters(in: .whitespacesAndNewlines)
        return t?.isEmpty == false ? t : nil
    }

    static func day(_ value: String?, field: String, label: String, required: Bool, into problems: inout [FieldProblemDTO]) -> LocalDay? {
        guard let raw = value?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            if required { problems.append(.init(field: field, message: "请填写\(label)（YYYY-MM-DD）")) }
            return nil
        }
        guard raw.unicodeScalars.count <= 10, let d = LocalDay(raw) else {
            problems.append(.init(field: field, message: "\(label)须为日期（YYYY-MM-DD）")); return nil
        }
        return d
    }

    /// The owner named must be an active colleague who works for the customer's company.
    func owner(_ workId: String?, company: UUID, field: String, into problems: inout [FieldProblemDTO]) async throws -> String? {
        guard let w = workId?.trimmingCharacters(in: .whitespaces), !w.isEmpty, w.unicodeScalars.count <= 32 else {
            problems.append(.init(field: field, message: "请填写负责人工号")); return nil
        }
        guard try await WorkOrderService.activeColleague(w, for: company, on: db) != nil else {
            problems.append(.init(field: field, message: "负责人工号不存在或不在该公司：\(w)")); return nil
        }
        return w
    }

    func history(_ tx: Database) -> History { History(db: tx, actorWorkId: actor, ip: nil, now: now) }

    // MARK: the list

    /// Puts the customer on the list, or changes their entry; a customer is listed once.
    func save(customerID: UUID, _ input: EntryInput) async throws -> SpecialCustomer {
        let customer = try await scope.customer(customerID)
        var problems: [FieldProblemDTO] = []
        let category = input.category.flatMap(SpecialCategory.init(rawValue:))
        if category == nil { problems.append(.init(field: "category", message: "类别须为 vip、key_account 或 group")) }
        let owner = try await owner(input.ownerWorkId, company: customer.companyID, field: "ownerWorkId", into: &problems)
        let review = Self.day(input.reviewOn, field: "reviewOn", label: "复核日期", required: true, into: &problems)
        if let review, let p = SpecialCustomerRules.reviewDateProblem(review, today: today) { problems.append(.init(field: "reviewOn", message: p)) }
        let channel = Self.text(input.dedicatedChannel, field: "dedicatedChannel", label: "专属渠道", max: Self.maxChannel, required: false, into: &problems)
        let note = Self.text(input.note, field: "note", label: "备注", max: Self.maxText, required: false, into: &problems)
        guard problems.isEmpty, let category, let owner, let review else { throw KefuError.invalid(problems) }
        return try await db.writeTransaction { [scope, now, actor] tx in
            let data = scope.tenant.on(tx)
            let existing = try await data.query(SpecialCustomer.self).filter(\.$customerID == customerID).first()
            let before = existing.map { "\($0.category.rawValue) \($0.ownerWorkId) \($0.reviewOn)" }
            let entry = existing ?? {
                let e = SpecialCustomer(); e.id = UUID(); e.companyID = customer.companyID; e.customerID = customerID
                e.createdBy = actor; e.createdAt = now
                return e
            }()
            entry.category = category; entry.ownerWorkId = owner; entry.reviewOn = review.description
            entry.dedicatedChannel = channel; entry.note = note
            try await entry.save(on: tx)
            try await history(tx).audit(action: "customer.special_saved", objectType: "customer", objectId: customerID.uuidString,
                                        before: before, after: "\(category.rawValue) \(owner) \(review)")
            return entry
        }
    }

    /// Takes the customer off the list; a customer not on it is left as is (a repeated
    /// removal is not an error: the customer exists, the entry is gone either way).
    func remove(customerID: UUID) async throws {
        _ = try await scope.customer(customerID)
        try await db.writeTransaction { [scope] tx in
            guard let entry = try await scope.tenant.on(tx).query(SpecialCustomer.self).filter(\.$customerID == customerID).first() else { return }
            try await entry.delete(on: tx)
            try await history(tx).audit(action: "customer.special_removed", objectType: "customer", objectId: customerID.uuidString,
                                        before: "\(entry.category.rawValue) \(entry.ownerWorkId)")
        }
    }

    /// The periodic review: done today, the next one set.
    func review(customerID: UUID, _ input: ReviewInput) async throws -> SpecialCustomer {
        _ = try await scope.customer(customerID)
        var problems: [FieldProblemDTO] = []
        let next = Self.day(input.nextReviewOn, field: "nextReviewOn", label: "下次复核日期", required: true, into: &problems)
        if let next, let p = SpecialCustomerRules.reviewDateProblem(next, today: today) { problems.append(.init(field: "nextReviewOn", message: p)) }
        if let next, next == today { problems.append(.init(field: "nextReviewOn", message: "下次复核日期须晚于今天")) }
        let note = Self.text(input.note, field: "note", label: "复核意见", max: Self.maxText, required: false, into: &problems)
        guard problems.isEmpty, let next else { throw KefuError.invalid(problems) }
        return try await db.writeTransaction { [scope, now, actor] tx in
            guard let entry = try await scope.tenant.on(tx).query(SpecialCustomer.self).filter(\.$customerID == customerID).first() else {
                throw KefuError.notFound("特殊客户名单中的该客户")
            }
            let was = entry.reviewOn
            entry.reviewOn = next.description; entry.reviewedAt = now; entry.reviewedBy = actor
            try await entry.save(on: tx)
            try await history(tx).audit(action: "customer.special_reviewed", objectType: "customer", objectId: customerID.uuidString,
                                        before: was, after: next.description + (note.map { "：\($0)" } ?? ""))
            return entry
        }
    }

    func addVisit(customerID: UUID, _ input: VisitInput) async throws -> CustomerVisit {
        let customer = try await scope.customer(customerID)
        var problems: [FieldProblemDTO] = []
        let due = Self.day(input.dueOn, field: "dueOn", label: "回访日期", required: true, into: &problems)
        if let due, due < today { problems.append(.init(field: "dueOn", message: "回访日期不能早于今天")) }
        let purpose = Self.text(input.purpose, field: "purpose", label: "回访目的", max: Self.maxText, required: true, into: &problems)
        let owner = try await owner(input.ownerWorkId, company: customer.companyID, field: "ownerWorkId", into: &problems)
        guard problems.isEmpty, let due, let purpose, let owner else { throw KefuError.invalid(problems) }
        return try await db.writeTransaction { [now, actor] tx in
            let v = CustomerVisit()
            v.id = UUID(); v.companyID = customer.companyID; v.customerID = customerID; v.dueOn = due.description
            v.purpose = purpose; v.ownerWorkId = owner; v.createdBy = actor; v.createdAt = now
            try await v.create(on: tx)
            try await history(tx).audit(action: "customer.visit_scheduled", objectType: "customer", objectId: customerID.uuidString,
                                        after: "\(due) \(owner) \(purpose)")
            return v
        }
    }

    func visitDone(customerID: UUID, visitID: UUID, _ input: VisitDone) async throws -> CustomerVisit {
        _ = try await scope.customer(customerID)
        var problems: [FieldProblemDTO] = []
        let outcome = Self.text(input.outcome, field: "outcome", label: "回访结果", max: Self.maxText, required: true, into: &problems)
        guard problems.isEmpty, let outcome else { throw KefuError.invalid(problems) }
        return try await db.writeTransaction { [scope, now, actor] tx in
            guard let v = try await scope.tenant.on(tx).query(CustomerVisit.self).filter(\.$id == visitID).filter(\.$customerID == customerID).first() else {
                throw KefuError.notFound("回访安排")
            }
            guard v.doneAt == nil else { throw KefuError.conflict("visit_done", "该回访已记录结果。") }
            v.doneAt = now; v.doneBy = actor; v.outcome = outcome
            try await v.save(on: tx)
            try await history(tx).audit(action: "customer.visit_done", objectType: "customer", objectId: customerID.uuidString, after: outcome)
            return v
        }
    }

    func addProduct(customerID: UUID, _ input: ProductInput) async throws -> CustomerProduct {
        let customer = try await scope.customer(customerID)
        var problems: [FieldProblemDTO] = []
        let name = Self.text(input.name, field: "name", label: "产品/服务名称", max: Self.maxName, required: true, into: &problems)
        let start = Self.day(input.startedOn, field: "startedOn", label: "开通日期", required: false, into: &problems)
        let expires = Self.day(input.expiresOn, field: "expiresOn", label: "到期日期", required: false, into: &problems)
        if let p = SpecialCustomerRules.serviceDatesProblem(start: start, expires: expires) { problems.append(.init(field: "expiresOn", message: p)) }
        let note = Self.text(input.note, field: "note", label: "备注", max: Self.maxText, required: false, into: &problems)
        guard problems.isEmpty, let name else { throw KefuError.invalid(problems) }
        return try await db.writeTransaction { [now, actor] tx in
            let p = CustomerProduct()
            p.id = UUID(); p.companyID = customer.companyID; p.customerID = customerID; p.name = name
            p.startedOn = start?.description; p.expiresOn = expires?.description; p.note = note; p.createdBy = actor; p.createdAt = now
            try await p.create(on: tx)
            try await history(tx).audit(action: "customer.product_added", objectType: "customer", objectId: customerID.uuidString,
                                        after: "\(name) \(start?.description ?? "") – \(expires?.description ?? "")")
            return p
        }
    }

    // MARK: reading

    func entry(customerID: UUID) async throws -> SpecialCustomer? {
        try await scope.tenant.query(SpecialCustomer.self).filter(\.$customerID == customerID).first()
    }

    func visits(customerID: UUID) async throws -> [CustomerVisit] {
        try await scope.tenant.query(CustomerVisit.self).filter(\.$customerID == customerID).sort(\.$dueOn, .descending).limit(50).all()
    }

    func products(customerID: UUID) async throws -> [CustomerProduct] {
        try await scope.tenant.query(CustomerProduct.self).filter(\.$customerID == customerID).sort(\.$expiresOn).limit(100).all()
    }

    /// The list, reviews due soonest first; `dueOnly`: reviews due within the notice period.
    func list(category: SpecialCategory?, owner: String?, dueOnly: Bool, window: PageWindow) async throws -> (rows: [SpecialCustomer], total: Int) {
        let q = scope.tenant.query(SpecialCustomer.self)
        if let category { q.filter(\.$category == category) }
        if let owner { q.filter(\.$ownerWorkId == owner) }
        if dueOnly { q.filter(\.$reviewOn <= today.adding(days: SpecialCustomerRules.reviewNoticeDays).description) }
        let total = try await q.count()
        let rows = try await q.sort(\.$reviewOn).sort(\.$id).range(window.range).all()
        return (rows, total)
    }

    // MARK: reminders (the sweeper)

    /// Reminds owners of reviews coming due, visits due tomorrow and services about to
    /// expire, once each; returns how many reminders went out. Every company (a job).
    static func sendReminders(db: Database, now: Date, timeZone: TimeZone) async throws -> Int {
        let today = LocalDay(now, in: timeZone)
        let data = TenantData.system(db)
        var sent = 0
        let reviewHorizon = today.adding(days: SpecialCustomerRules.reviewNoticeDays).description
        // Not yet reminded of this due date (in SQL, so reminded entries never crowd out new ones).
        for entry in try await data.query(SpecialCustomer.self).filter(\.$reviewOn <= reviewHorizon)
            .filter(.sql(unsafeRaw: "(review_reminded_for IS NULL OR review_reminded_for <> review_on)")).limit(500).all() {
            guard let day = LocalDay(entry.reviewOn), SpecialCustomerRules.reviewNoticeDue(reviewOn: day, today: today) else { continue }
            let name = try await data.query(Customer.self).filter(\.$id == entry.customerID).first()?.name ?? ""
            try await db.writeTransaction { tx in
                try await KefuNotification(recipientWorkId: entry.ownerWorkId, recipientRole: nil, workOrderID: nil,
                                           message: "特殊客户 \(name) 的名单复核日期为 \(entry.reviewOn)，请及时复核。", createdAt: now).create(on: tx)
                entry.reviewRemindedFor = entry.reviewOn
                try await entry.save(on: tx)
            }
            sent += 1
        }
        let visitHorizon = today.adding(days: SpecialCustomerRules.visitNoticeDays).description
        for visit in try await data.query(CustomerVisit.self).filter(\.$dueOn <= visitHorizon).filter(\.$remindedAt == nil)
            .filter(\.$doneAt == nil).limit(500).all() {
            let name = try await data.query(Customer.self).filter(\.$id == visit.customerID).first()?.name ?? ""
            try await db.writeTransaction { tx in
                try await KefuNotification(recipientWorkId: visit.ownerWorkId, recipientRole: nil, workOrderID: nil,
                                           message: "\(visit.dueOn) 回访 \(name)：\(visit.purpose)", createdAt: now).create(on: tx)
                visit.remindedAt = now
                try await visit.save(on: tx)
            }
            sent += 1
        }
        let expiryHorizon = today.adding(days: SpecialCustomerRules.expiryNoticeDays).description
        // Special customers' services (R5.3): their owner acts before it expires.
        let owners = Dictionary(try await data.query(SpecialCustomer.self).field(\.$id).field(\.$companyID).field(\.$customerID)
            .field(\.$ownerWorkId).all().map { ($0.customerID, $0.ownerWorkId) }, uniquingKeysWith: { a, _ in a })
        let listed = Array(owners.keys)
        for start in stride(from: 0, to: listed.count, by: 400) {
            let chunk = Array(listed[start..<min(start + 400, listed.count)])
            for product in try await data.query(CustomerProduct.self).filter(\.$customerID ~~ chunk).filter(\.$expiresOn <= expiryHorizon)
                .filter(\.$remindedAt == nil).limit(500).all() {
                guard let owner = owners[product.customerID],
                      let customer = try await data.query(Customer.self).filter(\.$id == product.customerID).first() else { continue }
                try await db.writeTransaction { tx in
                    try await KefuNotification(recipientWorkId: owner, recipientRole: nil, workOrderID: nil,
                                               message: "客户 \(customer.name) 的「\(product.name)」将于 \(product.expiresOn ?? "") 到期，请提前联系续约。",
                                               createdAt: now).create(on: tx)
                    product.remindedAt = now
                    try await product.save(on: tx)
                }
                sent += 1
            }
        }
        return sent
    }
}

extension Request {
    /// The list as the signed-in person keeps it, in their order scope (the API and the pages).
    func specialCustomerService() async throws -> SpecialCustomerService {
        SpecialCustomerService(scope: try await orderScope(), now: now, timeZone: kefu.settings.timeZone, actor: try user().workId)
    }
}
