import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import VaporCSQLite

/// One thread that owns a SQLite connection of its own and runs the hottest writes (a work
/// order's create) in group commits: everything queued while one transaction commits goes
/// into the next one, and every request is answered only
/// after the COMMIT that holds it returned — so an acknowledged create is as durable as the
/// database is configured to make it (WAL, synchronous=NORMAL: it survives `kill -9`).
///
/// Why by hand: sqlite-nio sends every statement to a thread pool and back (a hop each, ten
/// per order), prepares it anew each time, and its busy handler spins. Here a statement is a
/// C call on a thread that already holds the connection, prepared once. sqlite-nio links the
/// same SQLite build (`VaporCSQLite`), so both sides use one library.
final class SQLiteWriter: @unchecked Sendable {
    let path: String
    private let gate: WriteGate
    private let logger: Logger
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Job] = []
    private var running = false
    private var stopping = false
    /// Threads still running their loop.
    private var alive = 0

    /// A batch this large already amortises the commit; more only delays the first answer.
    private static let maxBatch = 128

    /// A reader runs each job on its own, outside any transaction and without the write gate:
    /// the same thread-and-prepared-statements path for the few reads every request makes.
    private let transactional: Bool
    /// A reader has several threads (each with its connection) taking jobs from one queue, so
    /// one slow page query does not hold up the sign-in reads queued behind it. A writer has one.
    private let threads: Int
    /// The writer's WAL is copied back on another thread (nil for a reader, which writes nothing).
    let checkpointer: SQLiteCheckpointer?

    init(path: String, gate: WriteGate, logger: Logger, transactional: Bool = true, threads: Int = 1) {
        self.path = path
        self.gate = gate
        self.logger = logger
        self.transactional = transactional
        self.threads = transactional ? 1 : max(1, threads)
        checkpointer = transactional ? SQLiteCheckpointer(path: path, gate: gate, logger: logger) : nil
    }

    /// Runs `body` on the writer thread inside the next group transaction and returns its result
    /// once that transaction committed. A throwing body leaves nothing of its own writes; the
    /// bodies batched with it are run again. A body must therefore be safe to run again.
    func perform<T: Sendable>(_ body: @escaping @Sendable (SQLiteWriteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                execute: { connection in
                    do {
                        let value = try body(connection)
                        return (true, { continuation.resume(returning: value) })
                    } catch {
                        return (false, { continuation.resume(throwing: error) })
                    }
                },
                fail: { continuation.resume(throwing: $0) })
            condition.lock()
            if stopping {
                condition.unlock()
                job.fail(SQLiteWriteError(code: 0, message: "the writer has stopped"))
                return
            }
            queue.append(job)
            if !running {
                running = true
                alive = threads
                for _ in 0..<threads {
                    let thread = Thread { [self] in loop() }
                    thread.name = transactional ? "kefu-sqlite-writer" : "kefu-sqlite-reader"
                    thread.start()
                }
            }
            condition.signal()
            condition.unlock()
        }
    }

    /// Runs a read on the calling thread, on a connection of that thread's own: for the point
    /// reads every request makes (who is signed in, a branch, a time limit), a hand-off to a
    /// reader thread and back cost more than the read (two thread wake-ups against ~20 µs of
    /// SQLite). Lists and pages, which may read thousands of rows, still go through `perform`
    /// so they never hold up the event loop.
    func readHere<T>(_ body: (SQLiteWriteConnection) throws -> T) throws -> T {
        if let box = here.currentValue { return try body(box.connection) }
        let connection = try SQLiteWriteConnection(path: path, busyTimeoutMilliseconds: 1_000)
        here.currentValue = HereConnection(connection)
        opened.withLockedValue { $0.append(connection) }
        return try body(connection)
    }

    /// A thread's own read connection, closed when the thread ends.
    private final class HereConnection {
        let connection: SQLiteWriteConnection
        init(_ connection: SQLiteWriteConnection) { self.connection = connection }
        deinit { connection.close() }
    }

    private let here = ThreadSpecificVariable<HereConnection>()
    /// Every thread's read connection, closed at shutdown: event-loop threads outlive an
    /// application in tests, and a thread-specific value is only released when its thread ends.
    private let opened = NIOLockedValueBox<[SQLiteWriteConnection]>([])

    /// Lets queued work finish, then closes the connection (application shutdown).
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running && alive > 0 { condition.wait() }
        condition.unlock()
        checkpointer?.shutdown()
        opened.withLockedValue { connections in
            connections.forEach { $0.close() }
            connections = []
        }
    }

    private struct Job {
        /// Runs inside the batch's transaction: whether it succeeded, and how to answer (after
        /// COMMIT when it succeeded, at once when it failed).
        let execute: (SQLiteWriteConnection) -> (Bool, () -> Void)
        let fail: (any Error) -> Void
    }

    private func loop() {
        let connection: SQLiteWriteConnection
        do {
            connection = try SQLiteWriteConnection(path: path)
        } catch {
            logger.error("SQLite writer could not open \(path): \(error)")
            drainForever(with: error)
            return
        }
        if let checkpointer { connection.handCheckpoints(to: checkpointer) }
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty {
                alive -= 1
                condition.broadcast()
                condition.unlock()
                break
            }
            let batch = Array(queue.prefix(transactional ? Self.maxBatch : 1))
            queue.removeFirst(batch.count)
            condition.unlock()

            if transactional {
                gate.acquireBlocking()
                commit(batch, on: connection)
                gate.release()
                condition.lock()
                let idle = queue.isEmpty
                condition.unlock()
                if idle { checkpointer?.writerIdle() }
            } else {
                for job in batch { job.execute(connection).1() }
            }
        }
        connection.close()
    }

    /// One transaction for the batch. No savepoint per job: in WAL mode each one copies the
    /// pages it touches to a statement journal, which cost more than the job's own writes. A
    /// job that fails is rare (a used form token, a full disk): the transaction is rolled back
    /// and the batch run again without it, so no job's half-done writes are ever committed.
    private func commit(_ batch: [Job], on connection: SQLiteWriteConnection) {
        var pending = batch
        while !pending.isEmpty {
            do {
                try connection.execute("BEGIN IMMEDIATE")
            } catch {
                pending.forEach { $0.fail(error) }
                return
            }
            var answers: [() -> Void] = []
            answers.reserveCapacity(pending.count)
            var failed: Int?
            for (i, job) in pending.enumerated() {
                let (ok, answer) = job.execute(connection)
                if !ok { failed = i; answer(); break }
                answers.append(answer)
            }
            if let failed {
                _ = try? connection.execute("ROLLBACK")
                // The failed job has its answer; the others run again in a fresh transaction.
                pending.remove(at: failed)
                continue
            }
            do {
                try connection.execute("COMMIT")
            } catch {
                // The transaction itself failed (disk full, I/O): nothing of the batch was stored.
                _ = try? connection.execute("ROLLBACK")
                logger.error("SQLite writer transaction failed: \(error)")
                pending.forEach { $0.fail(error) }
                return
            }
            answers.forEach { $0() }
            return
        }
    }

    /// The database cannot be opened: every request waiting, and every later one, gets the error.
    private func drainForever(with error: any Error) {
        condition.lock()
        stopping = true
        let waiting = queue
        queue = []
        alive -= 1
        condition.broadcast()
        condition.unlock()
        waiting.forEach { $0.fail(error) }
    }
}

struct SQLiteWriteError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}

/// A result cell, as SQLite returns it.
enum SQLiteCell: Sendable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    var int: Int? { if case .int(let v) = self { return Int(v) }; return nil }
    var text: String? { if case .text(let v) = self { return v }; return nil }
    var uuid: UUID? { text.flatMap(UUID.init(uuidString:)) }
    var date: Date? {
        switch self {
        case .double(let v): Date(timeIntervalSince1970: v)
        case .int(let v): Date(timeIntervalSince1970: Double(v))
        default: nil
        }
    }
}

/// The writer thread's connection. Used only on that thread; statements are prepared once per
/// SQL text and kept.
final class SQLiteWriteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    private let encoder = JSONEncoder()

    /// `busyTimeoutMilliseconds`: how long to wait (sleeping, on this thread) for a writer of
    /// another process, e.g. `kefu` CLI; a read on an event loop waits less.
    init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, handle != nil else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "open failed"
            sqlite_nio_sqlite3_close_v2(handle)
            throw SQLiteWriteError(code: status, message: message)
        }
        sqlite_nio_sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
        // Pages are read from a shared mapping of the file instead of copied in by read(2)
        // into each connection's small cache: a list's count walks tens of thousands of index
        // entries, and the copies were a tenth of its time.
        try execute("PRAGMA mmap_size=268435456")
    }

    /// Replaces SQLite's automatic checkpoint on this connection with `checkpointer`'s thread
    /// (see `SQLiteCheckpointer`); `checkpointer` must outlive the connection.
    func handCheckpoints(to checkpointer: SQLiteCheckpointer) {
        sqlite_nio_sqlite3_wal_hook(handle, sqliteWALHook, Unmanaged.passUnretained(checkpointer).toOpaque())
    }

    /// Copies what it can of the WAL into the database file without waiting for anyone.
    func checkpoint() {
        sqlite_nio_sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
        sqlite_nio_sqlite3_close_v2(handle)
        handle = nil
    }

    /// Runs a statement without values, ignoring any rows.
    func execute(_ sql: String) throws {
        _ = try rows(SQLText(sql: sql, binds: []))
    }

    /// Runs a statement and returns its rows.
    @discardableResult
    func rows(_ text: SQLText) throws -> [[SQLiteCell]] {
        let statement = try prepared(text.sql)
        // Reset, but bindings are not cleared: every run binds every parameter again, and
        // `sqlite3_clear_bindings` marks a statement whose plan looked at a bound value as
        // expired, so the next step prepared it anew (measured: the sign-in and duplicate-check
        // reads were parsed again on every request).
        defer { sqlite_nio_sqlite3_reset(statement) }
        // With bindings kept from the last run, a missing value would silently reuse the old one.
        guard sqlite_nio_sqlite3_bind_parameter_count(statement) == Int32(text.binds.count) else {
            throw SQLiteWriteError(code: SQLITE_RANGE, message: "\(text.binds.count) values for the parameters of: \(text.sql)")
        }
        for (i, value) in text.binds.enumerated() {
            try check(try bind(value, at: Int32(i + 1), in: statement))
        }
        var result: [[SQLiteCell]] = []
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status) }
            let count = sqlite_nio_sqlite3_column_count(statement)
            var row: [SQLiteCell] = []
            row.reserveCapacity(Int(count))
            for c in 0..<count {
                switch sqlite_nio_sqlite3_column_type(statement, c) {
                case SQLITE_INTEGER: row.append(.int(sqlite_nio_sqlite3_column_int64(statement, c)))
                case SQLITE_FLOAT: row.append(.double(sqlite_nio_sqlite3_column_double(statement, c)))
                case SQLITE_TEXT:
                    if let text = sqlite_nio_sqlite3_column_text(statement, c) {
                        row.append(.text(String(cString: text)))
                    } else { row.append(.null) }
                default: row.append(.null)
                }
            }
            result.append(row)
        }
        return result
    }

    /// Runs a query and decodes each row into `R` by column name (as SQLKit's `all(decoding:)`
    /// does for the same statement on PostgreSQL).
    func all<R: Decodable>(_ text: SQLText, as type: R.Type) throws -> [R] {
        let names = try columnNames(text.sql)
        return try rows(text).map { try R(from: SQLiteCellDecoder(names: names, cells: $0)) }
    }

    private var names: [String: [String]] = [:]

    private func columnNames(_ sql: String) throws -> [String] {
        if let known = names[sql] { return known }
        let statement = try prepared(sql)
        let count = sqlite_nio_sqlite3_column_count(statement)
        let list = (0..<count).map { c in sqlite_nio_sqlite3_column_name(statement, c).map { String(cString: $0) } ?? "" }
        names[sql] = list
        return list
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        // A closed connection (application shutdown) must not reach SQLite with a null handle.
        guard handle != nil else { throw SQLiteWriteError(code: SQLITE_MISUSE, message: "the connection is closed") }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: RowValue, at index: Int32, in statement: OpaquePointer) throws -> Int32 {
        switch value {
        case .text(let v): return v.map { text($0, index, statement) } ?? sqlite_nio_sqlite3_bind_null(statement, index)
        case .int(let v): return v.map { sqlite_nio_sqlite3_bind_int64(statement, index, Int64($0)) } ?? sqlite_nio_sqlite3_bind_null(statement, index)
        case .bool(let v): return v.map { sqlite_nio_sqlite3_bind_int64(statement, index, $0 ? 1 : 0) } ?? sqlite_nio_sqlite3_bind_null(statement, index)
        case .uuid(let v): return v.map { text($0.uuidString, index, statement) } ?? sqlite_nio_sqlite3_bind_null(statement, index)
        case .date(let v): return v.map { sqlite_nio_sqlite3_bind_double(statement, index, $0.timeIntervalSince1970) } ?? sqlite_nio_sqlite3_bind_null(statement, index)
        case .address(let v):
            guard let v else { return sqlite_nio_sqlite3_bind_null(statement, index) }
            return text(String(decoding: try encoder.encode(v), as: UTF8.self), index, statement)
        }
    }

    private func text(_ value: String, _ index: Int32, _ statement: OpaquePointer) -> Int32 {
        sqlite_nio_sqlite3_bind_text(statement, index, value, -1, Self.transient)
    }

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw error(status) }
    }

    private func error(_ status: Int32) -> SQLiteWriteError {
        SQLiteWriteError(code: status, message: handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "closed")
    }
}
