/// One refresh for everyone waiting: a caller joins the next refresh that starts after it
/// arrived (never one already running, which may have missed what the caller just stored),
/// and every caller waiting when a refresh starts is answered by it.
actor SharedRefresh {
    private var running = false
    private var waiting: [CheckedContinuation<Void, any Error>] = []

    func join(_ refresh: @escaping @Sendable () async throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiting.append(continuation)
            if !running { startNext(refresh) }
        }
    }

    private func startNext(_ refresh: @escaping @Sendable () async throws -> Void) {
        guard !waiting.isEmpty else { running = false; return }
        running = true
        let batch = waiting
        waiting = []
        Task {
            do {
                try await refresh()
                batch.forEach { $0.resume() }
            } catch {
                batch.forEach { $0.resume(throwing: error) }
            }
            self.finished(refresh)
        }
    }

    private func finished(_ refresh: @escaping @Sendable () async throws -> Void) {
        running = false
        startNext(refresh)
    }
}
