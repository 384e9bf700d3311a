import Vapor
import KefuCore

public enum KefuCommands {
    public static func register(on app: Application) {
        app.asyncCommands.use(KefuMigrateCommand(), as: "migrate")
        if let serve = app.asyncCommands.commands["serve"] {
            app.asyncCommands.use(CheckedServeCommand(original: serve), as: "serve", isDefault: true)
        }
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(UserCommands(), as: "user")
        app.asyncCommands.use(CompanyCommands(), as: "company")
        app.asyncCommands.use(BranchCommands(), as: "branch")
        app.asyncCommands.use(BenchCommands(), as: "bench")
        app.asyncCommands.use(QACommands(), as: "qa")
        app.asyncCommands.use(CustomerCommands(), as: "customers")
        app.asyncCommands.use(SearchCommands(), as: "search")
        app.asyncCommands.use(AttendanceCommands(), as: "attendance")
        app.asyncCommands.use(ReportCommand(), as: "report")
        app.asyncCommands.use(CTICommands(), as: "cti")
        app.asyncCommands.use(SimulateCommand(), as: "simulate")
        app.asyncCommands.use(ForecastCommand(), as: "forecast")
        app.asyncCommands.use(ErlangCommand(), as: "erlang")
        app.asyncCommands.use(ScheduleCommand(), as: "schedule")
    }
}
