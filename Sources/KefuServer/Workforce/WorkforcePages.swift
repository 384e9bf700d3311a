import Fluent
import Vapor
import KefuCore

/// The planner's hub (排班管理): traffic history in (CSV or Kefu's own CTI events), a month's
/// forecast with its backtest error, Erlang staffing beside the seed's rule of thumb, and
/// the way on to the roster and the five tables.
struct WorkforcePages {
    func register(_ routes: RoutesBuilder) {
        let read = routes.requiring(.workforceRead)
        let plan = routes.requiring(.workforcePlan)
        read.get("workforce", use: hub)
        plan.on(.POST, "workforce", "traffic", body: .collect(maxSize: "50mb"), use: importTraffic)
        plan.post("workforce", "traffic", "cti", use: foldCTI)
        plan.post("workforce", "staffing", use: saveStaffing)
        plan.post("workforce", "forecasts", use: createForecast)
        read.get("workforce", "forecasts", ":id", use: forecastPage)
        read.get("workforce", "forecasts", ":id", "csv", use: forecastCSV)
        plan.post("workforce", "forecasts", ":id", "roster", use: generateRoster)
    }

    struct RunRow: Encodable { var id: String; var month: String; var method: String; var requested: String; var createdAt: String; var createdBy: String }
    struct RosterRow: Encodable { var month: String; var status: String }
    struct HubContext: Encodable {
        var page: PageContext; var company: WorkforceCompanyPicker; var history: [TrafficHistory.Summary]; var runs: [RunRow]; var rosters: [RosterRow]
        var params: StaffingParameters; var nextMonth: String; var canPlan: Bool; var importResult: TrafficHistory.ImportResult?
        var error: String?; var pendingSwaps: Int
        /// The swap approval queue is the leads' (R4.5); the planner prepares rosters only.
        var canApproveSwaps: Bool
        /// The forecast form's method choices, labelled in Chinese; values stay the stored spelling.
        var methods: [MethodChoice] = ForecastMethod.allCases.map { MethodChoice(value: $0.rawValue, label: $0.label) }
    }
    struct MethodChoice: Encodable { var value: String; var label: String }

    func hub(req: Request) async throws -> Response {
        try await renderHub(req, importResult: nil, error: nil)
    }

    func renderHub(_ req: Request, importResult: TrafficHistory.ImportResult?, error: KefuError?) async throws -> Response {
        let user = try req.user()
        let zone = req.kefu.settings.timeZone
        let company = try await req.workforceCompany(.read)
        let runs = try await company.data.query(ForecastRun.self).sort(\.$createdAt, .descending).limit(20).all().map {
            RunRow(id: try $0.requireID().uuidString, month: $0.month, method: ForecastMethod.label(of: $0.method), requested: $0.requestedMethod,
                   createdAt: PageFormat.dateTime($0.createdAt, zone), createdBy: $0.createdBy ?? "")
        }
        let rosters = try await company.data.query(RosterRecord.self).sort(\.$month, .descending).all().map {
            RosterRow(month: $0.month, status: $0.status == "published" ? "已发布" : "草稿")
        }
        let pending = try await company.data.query(ShiftSwapRecord.self).filter(\.$state == ShiftSwapState.accepted.rawValue).count()
        let ctx = HubContext(page: PageContext(req, user: user, title: "排班管理"),
                             company: try await WorkforceCompanyPicker.make(company, tenant: try await req.tenant()),
                             history: try await TrafficHistory(company: company).summaries(timeZone: zone), runs: runs, rosters: rosters,
                             params: try await WorkforceSettings.staffing(company),
                             nextMonth: WorkforceSettings.nextMonth(WorkforceSettings.monthText(LocalDay(req.now, in: zone))) ?? "",
                             canPlan: user.can(.workforcePlan), importResult: importResult, error: error?.reason, pendingSwaps: pending,
                             canApproveSwaps: user.can(.workforceApprove))
        let res = try await req.view.render("workforce", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func importTraffic(req: Request) async throws -> Response {
        struct Form: Content { var text: String?; var file: File?; var interval: Int? }
        let form = try req.content.decode(Form.self)
        var text = form.text ?? ""
        if let file = form.file, file.data.readableBytes > 0 { text = String(buffer: file.data) }
        do {
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw KefuError.invalid([.init(field: "file", message: "请选择 CSV 文件或粘贴内容")])
            }
            let company = try await req.workforceCompany(.write)
            let clock = try ForecastService.clock(req.kefu.settings.timeZone, form.interval ?? 30)
            let result = try await TrafficHistory(company: company).importCSV(text, clock: clock, now: req.now)
            try await req.history(on: req.db).audit(action: "traffic.imported", objectType: "traffic", objectId: company.code,
                                                    after: "\(result.imported) intervals, \(result.errors.count) bad lines")
            return try await renderHub(req, importResult: result, error: nil)
        } catch let e as KefuError {
            return try await renderHub(req, importResult: nil, error: e)
        }
    }

    func foldCTI(req: Request) async throws -> Response {
        struct Form: Content { var from: String?; var to: String?; var interval: Int? }
        let form = try req.content.decode(Form.self)
        do {
            guard let from = form.from.flatMap(LocalDay.init), let to = form.to.flatMap(LocalDay.init), from <= to else {
                throw KefuError.invalid([.init(field: "from", message: "请填写起止日期（YYYY-MM-DD），起始不晚于结束")])
            }
            let company = try await req.workforceCompany(.write)
            let zone = req.kefu.settings.timeZone
            let clock = try ForecastService.clock(zone, form.interval ?? 30)
            let n = try await TrafficHistory(company: company).aggregateCTI(from: from.start(in: zone), to: to.adding(days: 1).start(in: zone), clock: clock, now: req.now)
            try await req.history(on: req.db).audit(action: "traffic.folded", objectType: "traffic", objectId: company.code, after: "\(from)…\(to): \(n)")
            return req.redirect(to: "/workforce?\(company.query)", notice: "已从 CTI 事件汇总 \(n) 个时段")
        } catch let e as KefuError {
            return try await renderHub(req, importResult: nil, error: e)
        }
    }

    func saveStaffing(req: Request) async throws -> Response {
        struct Form: Content {
            var targetServiceLevel: Double?; var answerWithinSeconds: Double?; var shrinkage: Double?; var maxOccupancy: Double?
            var patienceSeconds: String?; var maxCallsPerAgentHour: Double?
        }
        let form = try req.content.decode(Form.self)
        var p = StaffingParameters()
        p.targetServiceLevel = form.targetServiceLevel ?? p.targetServiceLevel
        p.answerWithinSeconds = form.answerWithinSeconds ?? p.answerWithinSeconds
        p.shrinkage = form.shrinkage ?? p.shrinkage
        p.maxOccupancy = form.maxOccupancy ?? p.maxOccupancy
        p.maxCallsPerAgentHour = form.maxCallsPerAgentHour ?? p.maxCallsPerAgentHour
        if let text = form.patienceSeconds?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let v = Double(text) else { return try await renderHub(req, importResult: nil, error: .invalid([.init(field: "patienceSeconds", message: "平均耐心时长须为数字")])) }
            p.patienceSeconds = v
        }
        let problems = p.problems()
        if !problems.isEmpty { return try await renderHub(req, importResult: nil, error: .invalid(problems)) }
        let company = try await req.workforceCompany(.write)
        try await WorkforceSettings.save(req, company: company, key: WorkforceSettings.staffingKey, json: WorkforceSettings.json(p), action: "workforce.staffing_saved")
        return req.redirect(to: "/workforce", notice: "人员配置目标已保存，下一次预测起生效")
    }

    func createForecast(req: Request) async throws -> Response {
        struct Form: Content { var month: String?; var interval: Int?; var method: String? }
        let form = try req.content.decode(Form.self)
        // Computing comes before the write, so only a repeat after the first finished is
        // caught here; a second run made meanwhile is a harmless extra forecast.
        return try await req.once(form: "workforce.forecast", fallback: "/workforce") {
            do {
                let methodName = form.method ?? "auto"
                var method: ForecastMethod?
                if methodName != "auto" {
                    guard let m = ForecastMethod(rawValue: methodName) else { throw KefuError.invalid([.init(field: "method", message: "未知的预测方法 \(methodName)")]) }
                    method = m
                }
                let company = try await req.workforceCompany(.write)
                let run = try await ForecastService(company: company, timeZone: req.kefu.settings.timeZone)
                    .run(month: form.month ?? "", intervalMinutes: form.interval ?? 30, method: method, actor: try req.user().workId, now: req.now)
                try await req.history(on: req.db).audit(action: "forecast.created", objectType: "forecast", objectId: run.id?.uuidString, after: "\(company.code) \(run.month) \(run.method)")
                let location = "/workforce/forecasts/\(try run.requireID().uuidString)"
                return .created(location, req.redirect(to: location))
            } catch let e as KefuError {
                return .refused(try await renderHub(req, importResult: nil, error: e))
            }
        }
    }

    /// The forecast by id in the caller's scope (another company's is missing), with the
    /// company it belongs to: what is done with it happens there.
    func loaded(_ req: Request) async throws -> (ForecastService.Loaded, WorkforceCompany) {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("预测") }
        let tenant = try await req.tenant()
        let run = try await tenant.require(ForecastRun.self, id, "预测")
        let company = try await WorkforceCompany.of(run.companyID, in: tenant)
        return (try ForecastService(company: company, timeZone: req.kefu.settings.timeZone).decode(run), company)
    }

    func forecastPage(req: Request) async throws -> Response {
        let (f, company) = try await loaded(req)
        return try await renderForecast(req, f, company: company, error: nil)
    }

    func renderForecast(_ req: Request, _ f: ForecastService.Loaded, company: WorkforceCompany, error: KefuError?) async throws -> Response {
        let user = try req.user()
        var ctx = ForecastView.context(f, page: PageContext(req, user: user, title: "\(f.run.month) 话务预测"), canPlan: user.can(.workforcePlan),
                                       company: try await WorkforceCompanyPicker.make(company, tenant: try await req.tenant()))
        ctx.error = error?.reason
        let res = try await req.view.render("workforce_forecast", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func forecastCSV(req: Request) async throws -> Response {
        let (f, company) = try await loaded(req)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = req.kefu.settings.timeZone
        let rows = f.result.intervals.enumerated().map { k, i -> [String] in
            let s = k < f.staffing.count ? f.staffing[k] : StaffingResult.zero
            return [formatter.string(from: i.start), String(format: "%.2f", i.offered), String(format: "%.1f", i.ahtSeconds),
                    "\(s.agents)", "\(s.scheduled)", String(format: "%.3f", s.serviceLevel), i.holiday ?? ""]
        }
        let text = CSVDownload.document(headers: ["interval_start", "offered", "aht_seconds", "agents", "scheduled", "service_level", "holiday"],
                                        rows: rows)
        return CSVDownload.response(text, filename: "forecast-\(company.code)-\(f.run.month).csv")
    }

    /// Roster from this forecast: the shift scheduler's objective and caps come from the form
    /// (minimum staff with full coverage by default).
    func generateRoster(req: Request) async throws -> Response {
        struct Form: Content { var objective: String?; var maxPerShift: String?; var maxPerPeriod: String? }
        let (f, company) = try await loaded(req)
        let form = try req.content.decode(Form.self)
        do {
            guard let objective = ScheduleObjective(rawValue: form.objective ?? "min-resources") else {
                throw KefuError.invalid([.init(field: "objective", message: "未知的优化目标")])
            }
            func cap(_ text: String?, _ field: String) throws -> Int? {
                guard let t = text?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { return nil }
                guard let n = Int(t), n > 0 else { throw KefuError.invalid([.init(field: field, message: "上限须为正整数")]) }
                return n
            }
            _ = try await RosterService(company: company, timeZone: req.kefu.settings.timeZone)
                .generate(from: f, objective: objective, maxPerShift: try cap(form.maxPerShift, "maxPerShift"),
                          maxPerPeriod: try cap(form.maxPerPeriod, "maxPerPeriod"), history: req.history(on: req.db))
            return req.redirect(to: "/workforce/rosters/\(f.run.month)?\(company.query)", notice: "已按预测生成排班草稿")
        } catch let e as KefuError {
            return try await renderForecast(req, f, company: company, error: e)
        }
    }
}
