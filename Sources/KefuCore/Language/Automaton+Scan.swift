import Foundation

/// The scanning loops: on folded scalars for findings, and straight on UTF-8 bytes with
/// folding inline for counting (the benchmark path).
extension Automaton {
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
