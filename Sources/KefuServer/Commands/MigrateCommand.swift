import Vapor
import Fluent
import KefuCore

/// `kefu migrate [--dry-run] [--revert]`: applies pending migrations without asking.
///
/// Fluent's own command waits for a `y/n` on the terminal, which a deploy script, systemd or
/// CI never gives (and crashed reading a closed stdin). Migrations here are append-only and
/// reviewed in the code; `--dry-run` lists what would run. `--revert` undoes the last batch
/// and, being destructive, asks on a terminal and refuses without one unless `--yes`.
struct KefuMigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "Only list the migrations that would run") var dryRun: Bool
        @Flag(name: "revert", help: "Revert the last batch of migrations") var revert: Bool
        @Flag(name: "yes", short: "y", help: "Do not ask before reverting") var yes: Bool
        // Accepted for scripts written for Vapor's command; migrating never asks now.
        @Flag(name: "auto-migrate", help: "Accepted for compatibility; migrate never asks") var autoMigrate: Bool
    }
    var help: String { "Apply pending database migrations (no prompt; --dry-run lists them)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        do {
            try await app.migrator.setupIfNeeded().get()
            if signature.revert {
                let batch = try await app.migrator.previewRevertLastBatch().get()
                guard !batch.isEmpty else { return context.console.print("没有可回退的迁移。") }
                for (m, _) in batch { context.console.print("- \(m.name)") }
                if signature.dryRun { return }
                guard signature.yes || (isatty(STDIN_FILENO) == 1 && context.console.confirm("回退以上迁移？(y/n)")) else {
                    throw KefuError(.badRequest, "revert_not_confirmed", "未确认，未回退任何迁移（脚本中请加 --yes）。")
                }
                try await app.migrator.revertLastBatch().get()
                context.console.print("已回退 \(batch.count) 个迁移。")
                return
            }
            let pending = try await app.migrator.previewPrepareBatch().get()
            guard !pending.isEmpty else { return context.console.print("数据库已是最新，没有待执行的迁移。") }
            for (m, _) in pending { context.console.print("+ \(m.name)") }
            if signature.dryRun {
                context.console.print("共 \(pending.count) 个待执行的迁移（--dry-run：未执行）。")
                return
            }
            try await app.migrator.prepareBatch().get()
            try await DatabaseSetup.prepare(app)
            context.console.print("已执行 \(pending.count) 个迁移。")
        } catch let e as KefuError {
            throw StartupError("kefu migrate: " + e.reason)
        } catch let e as StartupError {
            throw e
        } catch {
            throw StartupError("kefu migrate 失败：" + DatabaseCheck.explain(error, settings: app.kefu.settings))
        }
    }
}

/// `kefu serve`: Vapor's server, after checking that the database is reachable and migrated,
/// so a wrong DATABASE_URL fails at start with what to do, not with 500 on every page.
struct CheckedServeCommand: AnyAsyncCommand {
    let original: any AnyAsyncCommand
    var help: String { original.help }

    func run(using context: inout CommandContext) async throws {
        let wantsHelp = context.input.arguments.contains("--help") || context.input.arguments.contains("-h")
        if !wantsHelp { try await DatabaseCheck.ensureReady(context.application) }
        try await original.run(using: &context)
    }

    func outputHelp(using context: inout CommandContext) throws { try original.outputHelp(using: &context) }
    func outputAutoComplete(using context: inout CommandContext) throws { try original.outputAutoComplete(using: &context) }
    func renderCompletionFunctions(using context: CommandContext, shell: Shell) -> String {
        original.renderCompletionFunctions(using: context, shell: shell)
    }
}

/// Start-up checks of the database, with messages that say what to run.
enum DatabaseCheck {
    static func ensureReady(_ app: Application) async throws {
        let pending: Int
        do {
            _ = try await app.db.sql().raw("SELECT 1").all()
            try await app.migrator.setupIfNeeded().get()
            pending = try await app.migrator.previewPrepareBatch().get().count
        } catch {
            throw StartupError("无法使用数据库：" + explain(error, settings: app.kefu.settings))
        }
        if pending > 0 {
            throw StartupError("数据库尚未迁移（还有 \(pending) 个迁移未执行）。请先运行：kefu migrate")
        }
    }

    /// One line on what went wrong, never with the password of the database URL.
    static func explain(_ error: Error, settings: Settings) -> String {
        let target: String
        switch settings.database {
        case .sqlite(let path): target = "SQLite 文件 \(path)"
        case .sqliteMemory: target = "内存 SQLite"
        case .postgres(let url): target = "PostgreSQL \(SecretRedaction.redact(url))"
        }
        let detail = SecretRedaction.redact(String(describing: error)).replacingOccurrences(of: "\n", with: " ")
        return "\(target)：\(detail.prefix(300))。请检查 DATABASE_URL、数据库服务是否运行、数据库是否已创建，然后运行 kefu migrate。"
    }
}

/// A failure to start or to run a command, printed as one line without a backtrace; the
/// process exits 1.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
