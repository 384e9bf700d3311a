import Vapor
import Fluent

/// Every route of the application. Each is added through `requiring(_:)` or `publicRoutes()`,
/// so each carries its access rule (a test checks this).
func routes(_ app: Application) throws {
    let open = app.routes.publicRoutes()
    open.get("health") { req async throws -> [String: String] in
        // Proves the database answers; not a read of anyone's data, so no company scope.
        _ = try await TenantData.system(req.db).query(User.self).count()
        return ["status": "ok"]
    }

    let api = app.routes.grouped("api", "v1")
    api.publicRoutes().get("openapi.json") { req async throws -> Response in
        let path = req.application.directory.resourcesDirectory + "openapi.json"
        let res = try await req.fileio.asyncStreamFile(at: path)
        res.headers.contentType = .json
        return res
    }
    SessionAPI().register(api)
    WorkOrderAPI().register(api)
    CustomerAPI().register(api)
    DepartmentAPI().register(api)
    CompanyAPI().register(api)
    QualityAPI().register(api)
    WorkforceAPI().register(api)
    CounterAPI().register(api)
    VisitAPI().register(api)
    OutboundAPI().register(api)
    // Registered always, so a caller without the right learns 401/403 before 404 (training mode off).
    ClockAPI().register(api)

    LoginPages().register(app.routes)
    WorkOrderPages().register(app.routes)
    SupervisionPages().register(app.routes)
    ShiftPages().register(app.routes)
    CustomerPages().register(app.routes)
    ArchiveReadRegister().register(api: api, pages: app.routes)
    CustomerChangeAPI().register(api)
    CustomerTierAPI().register(api)
    ProtectedNumberAPI().register(api)
    SpecialCustomerAPI().register(api)
    CustomerChangePages().register(app.routes)
    CustomerTierPages().register(app.routes)
    ProtectedNumberPages().register(app.routes)
    TeamPages().register(app.routes)
    SpecialCustomerPages().register(app.routes)
    RetentionRoutes().register(api: api, pages: app.routes)
    SearchRoutes().register(api: api, pages: app.routes)
    CannedReplyRoutes().register(api: api, pages: app.routes)
    KnowledgePages().register(app.routes)
    KnowledgeSubmissionPages().register(app.routes)
    KnowledgeCasePages().register(app.routes)
    AttendanceAPI().register(api)
    ReportAPI().register(api)
    CallReportAPI(live: app.live).register(api)
    CallReportPages(live: app.live).register(app.routes)
    ReportPages().register(app.routes)
    AgentDayPages().registerAPI(api)
    AgentDayPages().registerPages(app.routes)
    ReportSnapshotPages().register(app.routes)
    FixedCountsPages().register(app.routes)
    QualityReportPages().register(app.routes)
    MetricsRoute(token: app.kefu.settings.metricsToken).register(app)
    AttendancePages().register(app.routes)
    AttendanceRulesPages().register(app.routes)
    HandoverPages().register(app.routes)
    CounterPages().register(app.routes)
    VisitPages().register(app.routes)
    OutboundPages().register(app.routes)
    UpwardReportPages().register(app.routes)
    AdminPages().register(app.routes)
    CompanyPages().register(app.routes)
    CompanySwitchPage().register(app.routes)
    QualityPages().register(app.routes)
    AppraisalPages().register(app.routes)
    LexiconPages().register(app.routes)
    LexiconAdditionPages().register(app.routes)
    ChatPages().register(app.routes)
    IVRPages().register(app.routes, api: api)
    CTIAPI().register(api)
    WallboardPages().register(app.routes, api: api)
    AgentDeskPages().register(app.routes)
    EmergencyPolicyPages().register(app.routes)
    WorkforcePages().register(app.routes)
    RosterPages().register(app.routes)
    SwapPages().register(app.routes)
    FiveTablesPages().register(app.routes)
    WorkforceSetupPages().register(app.routes)
}
