import Foundation
import Logging
import VaporCSQLite

/// Copies the order writer's WAL back into the database file on a thread of its own.
///
/// SQLite's automatic checkpoint runs on the connection that committed, right after its
/// COMMIT: every 1,000 pages of WAL the writer stopped its group commits to copy pages and
/// every request queued behind it waited (measured: creates 1,800/s; with the automatic
/// checkpoint every 10,000 pages instead, 2,095/s but a p99 of 44 ms at 500 req/s, because each
/// checkpoint then held the writer for longer). Here the writer only reports the WAL's size
/// (`sqlite3_wal_hook`) and this thread copies the pages while the writer goes on.
///
/// The WAL starts over only when a writer finds every frame copied, so the copy ends with a
/// short second pass holding the write gate: the frames committed during the first pass, after
/// which the writer's next commit writes from the WAL's start again and the file stays small.
final class SQLiteCheckpointer: @unchecked Sendable {
    /// WAL pages (4 KiB) after which this thread copies. Below SQLite's automatic 1,000, which
    /// still runs on Fluent's connections: past it, each of their commits (a seat change, a
    /// CTI event) would copy the WAL itself while holding the write gate — measured in the
    /// center run at 4,000 here: seat changes and order updates p99 1–2 s.
    static let backgroundPages: Int32 = 500
    /// If this thread falls behind so far (a machine starved of CPU), the writer checkpoints
    /// inline as SQLite would, so the WAL cannot grow without bound.
    static let inlinePages: Int32 = 20_000
    /// WAL pages after which a writer with nothing queued has its WAL copied back, so a quiet
    /// spell leaves little for readers to look up in the WAL.
    static let idlePages: Int32 = 100

    private let path: String
    private let gate: WriteGate
    private let logger: Logger
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var requested = false
    private var stopping = false
    private var started = false
    private var copying = false
    private var pages: Int32 = 0

    /// The WAL's size in pages after the writer's last commit, and whether a copy is asked for
    /// or under way: what tests and diagnostics read to see the WAL start over.
    var state: (walPages: Int32, busy: Bool) {
        condition.lock()
        defer { condition.unlock() }
        return (pages, requested || copying)
    }

    init(path: String, gate: WriteGate, logger: Logger) {
        self.path = path
        self.gate = gate
        self.logger = logger
    }

    /// Called on the writer thread after each commit with the WAL's size in pages.
    func committed(walPages: Int32) {
        condition.lock()
        defer { condition.unlock() }
        pages = walPages
        guard walPages >= Self.backgroundPages, !stopping else { return }
        start()
    }

    /// Asks for a copy. Called with `condition` locked.
    private func start() {
        requested = true
        if !started {
            started = true
            let thread = Thread { [self] in loop() }
            thread.name = "kefu-sqlite-checkpoint"
            thread.start()
        }
        condition.signal()
    }

    /// Called on the writer thread when its queue ran empty: the WAL is copied back while
    /// nothing is written, so the reads of a quiet spell (lists after a rush of creates) find
    /// their pages in the database file, through its memory mapping, instead of the WAL.
    func writerIdle() {
        condition.lock()
        defer { condition.unlock() }
        guard pages >= Self.idlePages, !requested, !copying, !stopping else { return }
        start()
    }

    /// Asks the thread to end and returns at once. It may be waiting for the write gate, which
    /// an async writer holds; shutdown runs on a cooperative thread that writer may need, so
    /// waiting here could wait forever (seen in the test suite, where apps share the gate).
    /// The thread ends after its current copy and closes its connection itself.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        let connection: SQLiteWriteConnection?
        do {
            connection = try SQLiteWriteConnection(path: path)
        } catch {
            // The writer's inline checkpoint at `inlinePages` still bounds the WAL.
            logger.error("SQLite checkpointer could not open \(path): \(error)")
            connection = nil
        }
        while let connection {
            condition.lock()
            while !requested && !stopping { condition.wait() }
            if stopping { condition.unlock(); break }
            requested = false
            copying = true
            condition.unlock()

            connection.checkpoint()
            condition.lock()
            let ending = stopping
            condition.unlock()
            if ending { break }
            gate.acquireBlocking()
            connection.checkpoint()
            gate.release()
            condition.lock()
            copying = false
            condition.unlock()
        }
        connection?.close()
        condition.lock()
        copying = false
        condition.broadcast()
        condition.unlock()
    }
}

/// What the writer's connection runs after each commit (`sqlite3_wal_hook`), in place of
/// SQLite's automatic checkpoint. `context` is the writer's `SQLiteCheckpointer`, which the
/// writer keeps alive for as long as its connection is open.
let sqliteWALHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = { context, db, name, pages in
    guard let context else { return SQLITE_OK }
    if pages >= SQLiteCheckpointer.inlinePages {
        sqlite_nio_sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
    Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(walPages: pages)
    return SQLITE_OK
}
