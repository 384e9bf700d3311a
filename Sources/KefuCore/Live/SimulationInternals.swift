import Foundation

// MARK: - Internal state

struct SimCall: Sendable {
    enum Phase: Sendable { case scheduled, waiting, ringing, talking, held, done }
    let id: Int
    let callId: String
    let arrivalMs: Int64
    var isVIP = false
    var patienceMs: Int64 = 0
    var talkMs: Int64 = 0
    var holdAtMs: Int64?
    var holdMs: Int64 = 0
    var phase: Phase = .scheduled
    var agent: Int?
    var tried: Set<String> = []
    var offers = 0
    var answeredMs: Int64 = 0
    var holdStartedMs: Int64 = 0

    init(id: Int, callId: String, arrivalMs: Int64) {
        self.id = id
        self.callId = callId
        self.arrivalMs = arrivalMs
    }
}

struct SimAgent: Sendable {
    enum State: Sendable { case loggedOut, available, ringing, talking, held, afterWork, paused }
    let config: SimulationAgent
    /// Not signed in at the start: the emergency steps pull from these people.
    let isPool: Bool
    var state: State = .loggedOut
    var leaving = false
    var idleSinceMs: Int64 = 0
    var signedInSinceMs: Int64 = 0
    var signedInMs: Int64 = 0
    var handleSinceMs: Int64 = 0
    var handleMs: Int64 = 0
    var callId: Int?

    init(config: SimulationAgent, isPool: Bool) {
        self.config = config
        self.isPool = isPool
    }
}

/// A binary heap of due actions ordered by (time, insertion order), so
/// simultaneous actions run in the order they were scheduled.
struct Agenda: Sendable {
    enum Action: Sendable {
        case interval(Int)
        case arrival(Int)
        case answer(Int, Int, Int)
        case ringTimeout(Int, Int, Int)
        case patience(Int)
        case holdStart(Int)
        case holdEnd(Int)
        case talkEnd(Int)
        case acwEnd(Int)
        case pauseEnd(Int)
        case observe
    }

    struct Item: Sendable {
        let ms: Int64
        let seq: Int
        let action: Action
        func precedes(_ other: Item) -> Bool { ms != other.ms ? ms < other.ms : seq < other.seq }
    }

    var heap: [Item] = []
    var seq = 0

    var isEmpty: Bool { heap.isEmpty }
    var peek: Item? { heap.first }

    mutating func push(_ ms: Int64, _ action: Action) {
        seq += 1
        heap.append(Item(ms: ms, seq: seq, action: action))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Item? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < heap.count, heap[left].precedes(heap[best]) { best = left }
            if right < heap.count, heap[right].precedes(heap[best]) { best = right }
            if best == parent { break }
            heap.swapAt(parent, best)
            parent = best
        }
        return top
    }
}
