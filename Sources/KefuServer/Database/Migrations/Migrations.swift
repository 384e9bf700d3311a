import Fluent
import Vapor

/// The ordered list of every migration. Append only; never edit a shipped one.
enum KefuMigrations {
    static func register(on app: Application) {
        app.migrations.add(M001_CreateDepartmentsAndUsers())
        app.migrations.add(M002_CreateCustomers())
        app.migrations.add(M003_CreateWorkOrders())
        app.migrations.add(M004_CreateTransfersAndCallbacks())
        app.migrations.add(M005_CreateHistory())
        app.migrations.add(M006_CreateSettingsTables())
        app.migrations.add(SessionRecord.migration)
        app.migrations.add(M007_CreateQuality())
        app.migrations.add(M008_CreateLiveOperations())
        app.migrations.add(M009_CreateWorkforce())
        app.migrations.add(M010_CreateSecurityCounters())
        app.migrations.add(M011_CreateSubmissionRecords())
        app.migrations.add(M012_CreateCTIOutbox())
        app.migrations.add(M013_AddFindingEntry())
        app.migrations.add(M014_CreateCompaniesAndBranches(centerName: app.kefu.settings.companyName))
        app.migrations.add(M015_AddPageIndexes())
        app.migrations.add(M016_AddCTICallIndex())
        app.migrations.add(M017_ScopeArchiveReads())
        app.migrations.add(M018_CreateCustomerChangeRequests())
        app.migrations.add(M019_AddCustomerCallerIndexes())
        app.migrations.add(M020_CreateCustomerTiering())
        app.migrations.add(M021_CreateProtectedNumbers())
        app.migrations.add(M022_AddHistoryIndexes())
        app.migrations.add(M023_CreateSpecialCustomers())
        app.migrations.add(M024_SealIDNumbers(sealer: app.kefu.sealer))
        app.migrations.add(M025_CreateRetention())
        app.migrations.add(M026_AddCustomerProfile())
        app.migrations.add(M027_CreateSearchIndex())
        app.migrations.add(M028_CreateCannedReplies())
        app.migrations.add(M029_CreateKnowledgeBase())
        app.migrations.add(M030_CreateKnowledgeLibrary())
        app.migrations.add(M031_CreateAttendance())
        app.migrations.add(M032_CreateShiftHandovers())
        app.migrations.add(M033_CreateMonthlyStatements())
        app.migrations.add(M034_AddAgentEventIndex())
        app.migrations.add(M035_CreateUpwardReports())
    }
}
