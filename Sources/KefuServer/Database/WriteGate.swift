/// Lets one SQLite write transaction run at a time in this process, queueing the rest
/// without blocking a thread. sqlite-nio runs every SQLite call on a small shared thread
/// pool and spins while the database is locked; two waiting writers can occupy every pool
/// thread so the holder never gets to COMMIT. SQLite admits one writer anyway, so
/// queueing here loses nothing. (PostgreSQL does not go through this.)
actor WriteGate {
    static let sqlite = WriteGate()

    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }
}
