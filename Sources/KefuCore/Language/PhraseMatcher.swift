import Foundation

/// One occurrence of a pattern.
public struct PhraseMatch: Sendable, Hashable {
    /// Index into the `phrases` the matcher was built with.
    public var pattern: Int
    /// Unicode-scalar offset in the original text.
    public var start: Int
    /// Exclusive end, Unicode-scalar offset in the original text.
    public var end: Int

    public init(pattern: Int, start: Int, end: Int) {
        self.pattern = pattern
        self.start = start
        self.end = end
    }
}

/// Finds many phrases at once in folded text (R2.8, R2.11).
///
/// Written by hand rather than taken from a package: there is no maintained
/// Swift Aho-Corasick package with a Unicode-scalar alphabet, a compact layout
/// and leftmost-longest semantics; the well-known peers (daachorse,
/// aho-corasick, hyperscan) are Rust/C libraries that a plain-Foundation
/// Swift target cannot use. The layout follows daachorse: scalars are mapped
/// to a compact alphabet of the characters that occur in patterns (anything
/// else means "no edge" and sends the automaton to the root at once), the
/// root has a dense transition table, and the other states live in a
/// double array (`base[s] + class` with a `check` array) with failure links.
/// When states × alphabet is small (any realistic service lexicon), a full
/// DFA with power-of-two rows is built as well, so the UTF-8 counting loop is
/// decode → one class-table load → one transition load, with no failure loop
/// and no branch for skipped punctuation. Folding happens inline through a
/// per-matcher 64 K table (fold + alphabet in one load), so scanning UTF-8
/// allocates nothing.
public struct PhraseMatcher: Sendable {
    /// How overlapping occurrences are reported.
    public enum Mode: Sendable {
        /// Non-overlapping: the leftmost-starting match, the longest among
        /// those, then scanning resumes after it (as daachorse /
        /// aho-corasick's `LeftmostLongest`). This is what a reader perceives
        /// as "the phrase that was said".
        case leftmostLongest
        /// Every occurrence of every pattern, including ones inside others.
        case overlapping
    }

    let automaton: Automaton
    let folder: TextFolder

    /// Builds the automaton; patterns that fold to nothing never match.
    public init(phrases: [String], folder: TextFolder = .shared) {
        self.init(phrases: phrases, folder: folder, allowDFA: true)
    }

    /// `allowDFA: false` forces the double-array path (tests cover both).
    init(phrases: [String], folder: TextFolder, allowDFA: Bool) {
        self.folder = folder
        self.automaton = Automaton(patterns: phrases.map { folder.fold($0).scalars }, folder: folder, allowDFA: allowDFA)
    }

    /// Whether the full transition table is in use (small lexicons).
    var usesDFA: Bool { automaton.dfa != nil }

    public var patternCount: Int { automaton.patternCount }

    /// All matches with offsets into the ORIGINAL text (Unicode scalars, end exclusive),
    /// sorted by start, then end.
    public func matches(in text: String, mode: Mode) -> [PhraseMatch] {
        matches(in: folder.fold(text), mode: mode)
    }

    /// Same as `matches(in:mode:)` for text folded already (the engine folds once per segment).
    public func matches(in folded: FoldedText, mode: Mode) -> [PhraseMatch] {
        let raw = automaton.matches(folded: folded.scalars, mode: mode)
        let offsets = folded.originalOffsets
        return raw.map { PhraseMatch(pattern: $0.pattern, start: offsets[$0.start], end: offsets[$0.end - 1] + 1) }
    }

    /// Counts matches directly on UTF-8 bytes, folding inline, without allocating.
    /// The benchmark uses this; malformed UTF-8 bytes count as non-matching characters.
    public func countMatches(utf8: UnsafeBufferPointer<UInt8>, mode: Mode) -> Int {
        guard let base = utf8.baseAddress, utf8.count > 0 else { return 0 }
        switch mode {
        case .overlapping: return automaton.countOverlapping(base, utf8.count)
        case .leftmostLongest: return automaton.countLeftmostLongest(base, utf8.count)
        }
    }
}

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

    /// Class of a folded scalar (for text folded already).
    @inline(__always)
    func classOfFolded(_ value: UInt32) -> UInt16 {
        value < 0x1_0000 ? classOf[Int(value)] : (astralClass[value] ?? 0)
    }

    /// Class of a raw (unfolded) scalar.
    @inline(__always)
    func classOfRaw(_ value: UInt32) -> UInt16 {
        if value < 0x1_0000 { return classOf[Int(value)] }
        let folded = folder.fold(scalar: value)
        return folded == TextFolder.skip ? Self.skipClass : (astralClass[folded] ?? 0)
    }

    @inline(__always)
    func next(_ state: Int32, _ cls: Int32) -> Int32 {
        var s = state
        while true {
            if s == 0 { return rootNext[Int(cls)] }
            let t = base[Int(s)] &+ cls
            if check[Int(t)] == s { return t }
            s = fail[Int(s)]
        }
    }

    struct RawMatch { var pattern: Int; var start: Int; var end: Int }

    /// Matches over folded scalars; positions are folded indices.
    func matches(folded: [UInt32], mode: PhraseMatcher.Mode) -> [RawMatch] {
        var out: [RawMatch] = []
        let count = folded.count
        switch mode {
        case .overlapping:
            var state: Int32 = 0
            for index in 0..<count {
                let cls = classOfFolded(folded[index])
                if cls == 0 || cls == Self.skipClass { state = 0; continue }
                state = next(state, Int32(cls))
                if outCount[Int(state)] == 0 { continue }
                var s = Int(state)
                if terminalStart[s] == terminalStart[s + 1] { s = Int(dictLink[s]) }
                while s != 0 {
                    let length = Int(depth[s])
                    for k in Int(terminalStart[s])..<Int(terminalStart[s + 1]) {
                        out.append(RawMatch(pattern: Int(terminalPatterns[k]), start: index + 1 - length, end: index + 1))
                    }
                    s = Int(dictLink[s])
                }
            }
            out.sort { ($0.start, $0.end, $0.pattern) < ($1.start, $1.end, $1.pattern) }
        case .leftmostLongest:
            var state: Int32 = 0
            var index = 0
            var candidate: RawMatch? = nil
            while true {
                if index >= count {
                    guard let found = candidate else { break }
                    out.append(found); candidate = nil
                    index = found.end; state = 0
                    continue
                }
                let cls = classOfFolded(folded[index])
                index += 1
                if cls == 0 || cls == Self.skipClass {
                    state = 0
                } else {
                    state = next(state, Int32(cls))
                }
                if let found = candidate, index - Int(depth[Int(state)]) > found.start {
                    out.append(found); candidate = nil
                    index = found.end; state = 0
                    continue
                }
                let length = Int(longestLength[Int(state)])
                if length > 0 {
                    let start = index - length
                    if candidate == nil || start <= candidate!.start {
                        candidate = RawMatch(pattern: Int(longestPattern[Int(state)]), start: start, end: index)
                    }
                }
            }
        }
        return out
    }

    /// Decodes one scalar at `i` (advancing it); malformed input yields U+FFFD's class (0).
    @inline(__always)
    func decodeClass(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> UInt16 {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { i &+= 1; return classOf[Int(b0)] }
        if b0 >= 0xE0, b0 < 0xF0, i &+ 2 < n {
            let v = (b0 & 0x0F) << 12 | (UInt32(p[i &+ 1]) & 0x3F) << 6 | (UInt32(p[i &+ 2]) & 0x3F)
            i &+= 3
            return classOf[Int(v)]
        }
        if b0 >= 0xC0, b0 < 0xE0, i &+ 1 < n {
            let v = (b0 & 0x1F) << 6 | (UInt32(p[i &+ 1]) & 0x3F)
            i &+= 2
            return classOf[Int(v)]
        }
        if b0 >= 0xF0, b0 < 0xF8, i &+ 3 < n {
            let v = (b0 & 0x07) << 18 | (UInt32(p[i &+ 1]) & 0x3F) << 12 | (UInt32(p[i &+ 2]) & 0x3F) << 6 | (UInt32(p[i &+ 3]) & 0x3F)
            i &+= 4
            return classOfRaw(v)
        }
        i &+= 1
        return 0
    }

    func countOverlapping(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        if let dfa { return countOverlappingDFA(dfa, p, n) }
        var total = 0
        var state: Int32 = 0
        var i = 0
        let classOf = self.classOf, rootNext = self.rootNext, base = self.base
        let check = self.check, fail = self.fail, outCount = self.outCount
        while i < n {
            // Fast lane for the common case: 3-byte CJK scalar.
            let b0 = UInt32(p[i])
            var cls: UInt16
            if b0 & 0xF0 == 0xE0, i &+ 2 < n {
                let v = (b0 & 0x0F) << 12 | (UInt32(p[i &+ 1]) & 0x3F) << 6 | (UInt32(p[i &+ 2]) & 0x3F)
                i &+= 3
                cls = classOf[Int(v)]
            } else {
                cls = decodeClass(p, &i, n)
            }
            if cls == 0 { state = 0; continue }
            if cls == Self.skipClass { continue }
            let c = Int32(cls)
            var s = state
            while true {
                if s == 0 { s = rootNext[Int(c)]; break }
                let t = base[Int(s)] &+ c
                if check[Int(t)] == s { s = t; break }
                s = fail[Int(s)]
            }
            state = s
            total &+= Int(outCount[Int(s)])
        }
        return total
    }

    func countLeftmostLongest(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        if let dfa { return countLeftmostLongestDFA(dfa, p, n) }
        var total = 0
        var state: Int32 = 0
        var i = 0
        var position = 0           // folded position after the current scalar
        var candidateStart = -1    // -1: no candidate
        var candidateEnd = 0
        var candidateEndByte = 0
        let classOf = self.classOf, rootNext = self.rootNext, base = self.base
        let check = self.check, fail = self.fail, depth = self.depth, longestLength = self.longestLength
        while true {
            if i >= n {
                if candidateStart < 0 { break }
                total &+= 1
                i = candidateEndByte; position = candidateEnd; candidateStart = -1; state = 0
                continue
            }
            let b0 = UInt32(p[i])
            var cls: UInt16
            if b0 & 0xF0 == 0xE0, i &+ 2 < n {
                let v = (b0 & 0x0F) << 12 | (UInt32(p[i &+ 1]) & 0x3F) << 6 | (UInt32(p[i &+ 2]) & 0x3F)
                i &+= 3
                cls = classOf[Int(v)]
            } else {
                cls = decodeClass(p, &i, n)
            }
            if cls == Self.skipClass { continue }
            position &+= 1
            if cls == 0 {
                state = 0
                if candidateStart >= 0 {
                    total &+= 1
                    i = candidateEndByte; position = candidateEnd; candidateStart = -1
                }
                continue
            }
            let c = Int32(cls)
            var s = state
            while true {
                if s == 0 { s = rootNext[Int(c)]; break }
                let t = base[Int(s)] &+ c
                if check[Int(t)] == s { s = t; break }
                s = fail[Int(s)]
            }
            state = s
            if candidateStart >= 0, position &- Int(depth[Int(s)]) > candidateStart {
                total &+= 1
                i = candidateEndByte; position = candidateEnd; candidateStart = -1; state = 0
                continue
            }
            let length = Int(longestLength[Int(s)])
            if length > 0 {
                let start = position &- length
                if candidateStart < 0 || start <= candidateStart {
                    candidateStart = start; candidateEnd = position; candidateEndByte = i
                }
            }
        }
        return total
    }

    func countOverlappingDFA(_ dfa: UnsafeMutablePointer<UInt32>, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var total = 0
        var offset: UInt32 = 0
        var i = 0
        let classOf = self.classOf, firstOutput = dfaFirstOutput, width = UInt32(dfaWidth), mask = UInt16(dfaWidth - 1)
        dfaOutCount.withUnsafeBufferPointer { outCount in
            while i < n {
                let b0 = UInt32(p[i])
                var cls: UInt16
                if b0 & 0xF0 == 0xE0, i &+ 2 < n {
                    let v = (b0 & 0x0F) << 12 | (UInt32(p[i &+ 1]) & 0x3F) << 6 | (UInt32(p[i &+ 2]) & 0x3F)
                    i &+= 3
                    cls = classOf[Int(v)]
                } else {
                    cls = decodeClass(p, &i, n)
                }
                offset = dfa[Int(offset &+ UInt32(cls & mask))]
                if offset >= firstOutput, cls != Self.skipClass { total &+= Int(outCount[Int(offset / width)]) }
            }
        }
        return total
    }

    func countLeftmostLongestDFA(_ dfa: UnsafeMutablePointer<UInt32>, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var total = 0
        var offset: UInt32 = 0
        var i = 0
        var position = 0
        var candidateStart = -1
        var candidateEnd = 0
        var candidateEndByte = 0
        let classOf = self.classOf, firstOutput = dfaFirstOutput, width = UInt32(dfaWidth), mask = UInt16(dfaWidth - 1)
        dfaDepth.withUnsafeBufferPointer { depth in
        dfaLongestLength.withUnsafeBufferPointer { longest in
            while true {
                if i >= n {
                    if candidateStart < 0 { break }
                    total &+= 1
                    i = candidateEndByte; position = candidateEnd; candidateStart = -1; offset = 0
                    continue
                }
                let b0 = UInt32(p[i])
                var cls: UInt16
                if b0 & 0xF0 == 0xE0, i &+ 2 < n {
                    let v = (b0 & 0x0F) << 12 | (UInt32(p[i &+ 1]) & 0x3F) << 6 | (UInt32(p[i &+ 2]) & 0x3F)
                    i &+= 3
                    cls = classOf[Int(v)]
                } else {
                    cls = decodeClass(p, &i, n)
                }
                offset = dfa[Int(offset &+ UInt32(cls & mask))]
                position &+= cls == Self.skipClass ? 0 : 1
                if candidateStart < 0 && offset < firstOutput { continue }
                if cls == Self.skipClass { continue }
                let state = Int(offset / width)
                if candidateStart >= 0, position &- Int(depth[state]) > candidateStart {
                    total &+= 1
                    i = candidateEndByte; position = candidateEnd; candidateStart = -1; offset = 0
                    continue
                }
                let length = Int(longest[state])
                if length > 0 {
                    let start = position &- length
                    if candidateStart < 0 || start <= candidateStart {
                        candidateStart = start; candidateEnd = position; candidateEndByte = i
                    }
                }
            }
        }
        }
        return total
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
