import Vapor
import NIOCore
import NIOPosix
import KefuServer
import KefuCore

// Swift concurrency runs on the event loops instead of a pool of its own: every await of a
// database answer or a request body then resumes on the loop that has it, without a hand-off
// between two thread pools and the context switches that cost (measured: the largest single
// item of a create's CPU). Must come before any concurrency work starts.
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

// `kefu serve|migrate|demo|user add|bench insert`. Vapor's command system runs them all;
// this file only reads settings and maps the two flags Vapor's serve does not know:
// `--host` (alias of --hostname) and `--simulated-clock`.
let launch = LaunchArguments(CommandLine.arguments)
var env = try Environment.detect(arguments: launch.vaporArguments)
try LoggingSystem.bootstrap(from: &env)
var settings: Settings
do {
    settings = try Settings.fromEnvironment()
} catch {
    FileHandle.standardError.write(Data("kefu: \(SecretRedaction.redact(String(describing: error)))\n".utf8))
    exit(2)
}
if launch.simulatedClock { settings.simulatedClock = true }
settings.runScheduler = launch.isServing
let app = try await Application.make(env)
do {
    try await configure(app, settings: settings)
    KefuCommands.register(on: app)
    try await app.execute()
} catch {
    // Commands print their own refusals (KefuError) in Chinese; anything else is reported
    // here. Either way the exit status says it failed, without a crash backtrace.
    if let startup = error as? StartupError {
        FileHandle.standardError.write(Data("kefu: \(startup.description)\n".utf8))
    } else if !(error is KefuError) {
        FileHandle.standardError.write(Data("kefu: \(SecretRedaction.redact(String(describing: error)))\n".utf8))
    }
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
