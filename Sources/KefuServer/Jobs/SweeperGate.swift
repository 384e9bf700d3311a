import NIOConcurrencyHelpers
import Vapor

/// Keeps the sweeper away while a command writes data it must not see half-written.
/// `kefu demo` boots (which starts the sweeper), then migrates and loads a center's worth of
/// data; a sweep in the middle of that load published the month's statements for the few
/// people loaded so far and, the month being claimed, never for the rest.
final class SweeperGate: Sendable {
    private let holders = NIOLockedValueBox(0)

    func hold() { holders.withLockedValue { $0 += 1 } }
    func release() { holders.withLockedValue { $0 = max(0, $0 - 1) } }
    var isHeld: Bool { holders.withLockedValue { $0 > 0 } }
}

extension Application {
    private struct SweeperGateKey: StorageKey { typealias Value = SweeperGate }

    var sweeperGate: SweeperGate {
        if let gate = storage[SweeperGateKey.self] { return gate }
        let gate = SweeperGate()
        storage[SweeperGateKey.self] = gate
        return gate
    }
}
