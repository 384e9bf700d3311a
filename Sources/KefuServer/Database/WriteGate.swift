import Foundation
import NIOConcurrencyHelpers

/// Lets one SQLite write transaction run at a time in this process, queueing the rest
/// without blocking a thread. sqlite-nio runs every SQLite call on a small shared thread
/// pool and spins while the database is locked; two waiting writers can occupy every pool
/// thread so the holder never gets to COMMIT. SQLite admits one writer anyway, so
/// queueing here loses nothing. The order writer's own thread (`SQLiteWriter`) takes the
/// same gate, blocking only itself. (PostgreSQL does not go through this.)
final class WriteGate: Sendable {
    static let sqlite = WriteGate()

    private enum Waiter {
        case task(CheckedContinuation<Void, Never>)
        case thread(DispatchSemaphore)
    }
    private struct State {
        var busy = false
        var waiters: [Waiter] = []
    }
    private let state = NIOLockedValueBox(State())

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLockedValue { s -> Bool in
                if !s.busy { s.busy = true; return true }
                s.waiters.append(.task(continuation))
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// For a thread of its own (the order writer): waits by blocking that thread.
    func acquireBlocking() {
        let semaphore = DispatchSemaphore(value: 0)
        let granted = state.withLockedValue { s -> Bool in
            if !s.busy { s.busy = true; return true }
            s.waiters.append(.thread(semaphore))
            return false
        }
        if !granted { semaphore.wait() }
    }

    /// Hands the gate to the next waiter (it stays busy), or frees it.
    func release() {
        let next = state.withLockedValue { s -> Waiter? in
            if s.waiters.isEmpty { s.busy = false; return nil }
            return s.waiters.removeFirst()
        }
        switch next {
        case .task(let continuation): continuation.resume()
        case .thread(let semaphore): semaphore.signal()
        case nil: break
        }
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
