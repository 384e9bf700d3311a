import Foundation

/// The compiled automaton. Immutable after `init`; raw buffers avoid bounds
/// checks and ARC traffic in the scanning loops.
final class Automaton: @unchecked Sendable {
    static let skipClass: UInt16 = 0xFFFF

    let patternCount: Int
    /// fold + alphabet for every BMP scalar: 0 = not in any pattern, skipClass = ignorable.
    let classOf: UnsafeMutablePointer<UInt16>
    /// Classes of folded scalars above the BMP.
    let astralClass: [UInt32: UInt16]
    let folder: TextFolder
    let alphabetSize: Int

    // Double array, indexed by state (= slot). State 0 is the root.
    let slotCount: Int
    let base: UnsafeMutablePointer<Int32>
    let check: UnsafeMutablePointer<Int32>
    let fail: UnsafeMutablePointer<Int32>
    let depth: UnsafeMutablePointer<Int32>
    /// Number of patterns ending at this state, including via suffixes (overlapping count).
    let outCount: UnsafeMutablePointer<Int32>
    /// Length of the longest pattern ending at this state (0 if none).
    let longestLength: UnsafeMutablePointer<Int32>
    /// Lowest pattern id of that longest pattern.
    let longestPattern: UnsafeMutablePointer<Int32>
    /// Nearest proper suffix state that is terminal (0 = none).
    let dictLink: UnsafeMutablePointer<Int32>
    /// Patterns ending exactly at a state: `terminalStart[s]..<terminalStart[s+1]` into `terminalPatterns`.
    let terminalStart: [Int32]
    let terminalPatterns: [Int32]
    let patternLength: [Int32]
    /// Dense root transitions, indexed by class.
    let rootNext: UnsafeMutablePointer<Int32>

    /// Full DFA for small automata (states × alphabet ≤ `dfaLimit`): one load
    /// per scalar and no failure loop. Entries are row offsets (state × width);
    /// states with an output are numbered last, so "anything to report?" is a
    /// single comparison with `dfaFirstOutput`.
    let dfa: UnsafeMutablePointer<UInt32>?
    let dfaWidth: Int
    let dfaFirstOutput: UInt32
    let dfaDepth: [Int32]
    let dfaOutCount: [Int32]
    let dfaLongestLength: [Int32]
    static let dfaLimit = 4_000_000

    init(patterns: [[UInt32]], folder: TextFolder, allowDFA: Bool = true) {
        self.folder = folder
        patternCount = patterns.count
        patternLength = patterns.map { Int32($0.count) }

        // Alphabet: folded scalars occurring in patterns, numbered 1..., most frequent first.
        var frequency: [UInt32: Int] = [:]
        for pattern in patterns { for scalar in pattern { frequency[scalar, default: 0] += 1 } }
        let ordered = frequency.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        precondition(ordered.count < Int(Self.skipClass) - 1, "alphabet too large")
        var classOfScalar: [UInt32: UInt16] = [:]
        for (index, scalar) in ordered.enumerated() { classOfScalar[scalar] = UInt16(index + 1) }
        alphabetSize = ordered.count + 1
        classOf = .allocate(capacity: 0x1_0000)
        let table = folder.table
        classOf.initialize(from: table.skipMask, count: 0x1_0000)
        var astral: [UInt32: UInt16] = [:]
        for (scalar, cls) in classOfScalar {
            if scalar >= 0x1_0000 { astral[scalar] = cls; continue }
            if table.bmp[Int(scalar)] == scalar { classOf[Int(scalar)] = cls }
            for source in table.sources[scalar] ?? [] { classOf[Int(source)] = cls }
        }
        astralClass = astral

        // Trie: hashed children while building (the root can have thousands),
        // sorted child lists for placement.
        var childMaps: [[UInt16: Int]] = [[:]]
        var terminals: [[Int32]] = [[]]
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var node = 0
            for scalar in pattern {
                let cls = classOfScalar[scalar]!
                if let next = childMaps[node][cls] {
                    node = next
                } else {
                    childMaps.append([:])
                    terminals.append([])
                    childMaps[node][cls] = childMaps.count - 1
                    node = childMaps.count - 1
                }
            }
            terminals[node].append(Int32(id))
        }
        let nodeCount = childMaps.count
        let children: [[(UInt16, Int)]] = childMaps.map { map in map.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 } }

        // BFS order, trie depth and failure links (on trie node ids).
        var order: [Int] = [0]
        var nodeDepth = [Int32](repeating: 0, count: nodeCount)
        var nodeFail = [Int](repeating: 0, count: nodeCount)
        var head = 0
        while head < order.count {
            let node = order[head]; head += 1
            for (cls, child) in children[node] {
                nodeDepth[child] = nodeDepth[node] + 1
                if node != 0 {
                    var f = nodeFail[node]
                    while true {
                        if let next = childMaps[f][cls] { nodeFail[child] = next; break }
                        if f == 0 { nodeFail[child] = 0; break }
                        f = nodeFail[f]
                    }
                }
                order.append(child)
            }
        }

        // Place nodes in the double array (first fit, BFS order).
        var slotOfNode = [Int](repeating: -1, count: nodeCount)
        var baseOfNode = [Int](repeating: 0, count: nodeCount)
        var used = SlotBitmap(count: alphabetSize + 1)
        used.set(0)
        slotOfNode[0] = 0
        var firstFree = 1
        var branchStart = 1   // where branching nodes start looking; only moves forward
        for node in order where !children[node].isEmpty {
            let classes = children[node].map { Int($0.0) }
            firstFree = used.nextFree(from: firstFree)
            // Single children take the first free slot (O(1)). Branching nodes
            // try free slots for their first child from `branchStart`; after
            // many misses the region is dense, so `branchStart` moves past it
            // (and after too many, the node goes to the empty tail). Free
            // slots are found a 64-bit word at a time. This keeps the build
            // near-linear for large lexicons, for a little unused space.
            var f = max(classes.count == 1 ? firstFree : max(firstFree, branchStart), classes[0] + 1)
            var b = 0
            var tries = 0
            search: while true {
                f = used.nextFree(from: f)
                b = f - classes[0]
                if tries > 512 { b = max(b, used.count); break }
                for cls in classes.dropFirst() where used.isUsed(b + cls) {
                    f += 1; tries += 1
                    continue search
                }
                break
            }
            if tries > 16 { branchStart = max(branchStart, b + classes[0]) }
            baseOfNode[node] = b
            used.grow(to: b + alphabetSize + 1)
            for (cls, child) in children[node] {
                used.set(b + Int(cls))
                slotOfNode[child] = b + Int(cls)
            }
        }
        let slots = max(used.count, alphabetSize + 1)
        slotCount = slots
        func buffer(_ value: Int32) -> UnsafeMutablePointer<Int32> {
            let pointer = UnsafeMutablePointer<Int32>.allocate(capacity: slots)
            pointer.initialize(repeating: value, count: slots)
            return pointer
        }
        base = buffer(0); check = buffer(-1); fail = buffer(0); depth = buffer(0)
        outCount = buffer(0); longestLength = buffer(0); longestPattern = buffer(-1); dictLink = buffer(0)
        rootNext = .allocate(capacity: alphabetSize + 1)
        rootNext.initialize(repeating: 0, count: alphabetSize + 1)

        var termStart = [Int32](repeating: 0, count: slots + 1)
        var termBySlot = [[Int32]](repeating: [], count: slots)
        for node in order {
            let slot = slotOfNode[node]
            base[slot] = Int32(baseOfNode[node])
            depth[slot] = nodeDepth[node]
            fail[slot] = Int32(slotOfNode[nodeFail[node]])
            for (_, child) in children[node] { check[slotOfNode[child]] = Int32(slot) }
            termBySlot[slot] = terminals[node].sorted()
        }
        check[0] = -2
        for (cls, child) in children[0] { rootNext[Int(cls)] = Int32(slotOfNode[child]) }
        var flat: [Int32] = []
        for slot in 0..<slots {
            termStart[slot] = Int32(flat.count)
            flat += termBySlot[slot]
        }
        termStart[slots] = Int32(flat.count)
        terminalStart = termStart
        terminalPatterns = flat

        // Outputs in BFS order: a state's suffix outputs are final before it.
        for node in order where node != 0 {
            let slot = slotOfNode[node]
            let failSlot = Int(fail[slot])
            dictLink[slot] = termBySlot[failSlot].isEmpty ? dictLink[failSlot] : Int32(failSlot)
            let own = termBySlot[slot]
            outCount[slot] = Int32(own.count) + outCount[failSlot]
            if let first = own.first {
                longestLength[slot] = depth[slot]
                longestPattern[slot] = first
            } else {
                longestLength[slot] = longestLength[failSlot]
                longestPattern[slot] = longestPattern[failSlot]
            }
        }

        // Full DFA when small enough.
        // Power-of-two rows: `class & (width - 1)` maps the skip class 0xFFFF to
        // the last column, a self-loop, so skipping needs no branch.
        var width = 1
        while width < alphabetSize + 1 { width <<= 1 }
        dfaWidth = width
        if allowDFA, nodeCount * width <= Self.dfaLimit {
            var dfaId = [Int](repeating: 0, count: nodeCount)
            var next = 0
            for node in order where longestLength[slotOfNode[node]] == 0 { dfaId[node] = next; next += 1 }
            let firstOutput = next
            for node in order where longestLength[slotOfNode[node]] > 0 { dfaId[node] = next; next += 1 }
            let table = UnsafeMutablePointer<UInt32>.allocate(capacity: nodeCount * width)
            table.initialize(repeating: 0, count: nodeCount * width)
            var depthByState = [Int32](repeating: 0, count: nodeCount)
            var countByState = [Int32](repeating: 0, count: nodeCount)
            var longestByState = [Int32](repeating: 0, count: nodeCount)
            for node in order {
                let row = dfaId[node] * width
                if node != 0 {
                    let failRow = dfaId[nodeFail[node]] * width
                    (table + row).update(from: table + failRow, count: width)
                }
                for (cls, child) in children[node] { table[row + Int(cls)] = UInt32(dfaId[child] * width) }
                table[row] = 0
                table[row + width - 1] = UInt32(row)
                let slot = slotOfNode[node]
                depthByState[dfaId[node]] = depth[slot]
                countByState[dfaId[node]] = outCount[slot]
                longestByState[dfaId[node]] = longestLength[slot]
            }
            dfa = table
            dfaFirstOutput = UInt32(firstOutput * width)
            dfaDepth = depthByState
            dfaOutCount = countByState
            dfaLongestLength = longestByState
        } else {
            dfa = nil
            dfaFirstOutput = 0
            dfaDepth = []
            dfaOutCount = []
            dfaLongestLength = []
        }
    }

    deinit {
        classOf.deallocate(); base.deallocate(); check.deallocate(); fail.deallocate(); depth.deallocate()
        outCount.deallocate(); longestLength.deallocate(); longestPattern.deallocate(); dictLink.deallocate()
        rootNext.deallocate()
        dfa?.deallocate()
    }
}

/// Occupied double-array slots, one bit each, so free slots are found a word
/// at a time during construction.
struct SlotBitmap {
    private(set) var count: Int
    private var words: [UInt64]

    init(count: Int) {
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64 + 1)
    }

    mutating func grow(to newCount: Int) {
        guard newCount > count else { return }
        count = newCount
        let needed = (newCount + 63) / 64 + 1
        if words.count < needed { words += [UInt64](repeating: 0, count: max(needed - words.count, words.count / 2)) }
    }

    /// Slots at or beyond `count` are free.
    func isUsed(_ index: Int) -> Bool {
        index < count && words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    mutating func set(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    /// First free slot at or after `index` (may be ≥ `count`).
    func nextFree(from index: Int) -> Int {
        var word = index >> 6
        if word >= words.count { return index }
        var bits = ~words[word] & (~0 << UInt64(index & 63))
        while bits == 0 {
            word += 1
            if word >= words.count { return max(index, word << 6) }
            bits = ~words[word]
        }
        return max(index, (word << 6) + bits.trailingZeroBitCount)
    }
}
