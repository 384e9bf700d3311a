import Foundation

/// Text after folding: what the matcher actually compares.
///
/// Agents and customers write simplified or traditional characters, full- or
/// half-width forms and stray spaces (R2.11), but findings must point at the
/// text the inspector sees. So folding drops nothing silently: every kept
/// scalar remembers where it came from.
public struct FoldedText: Sendable {
    /// Folded scalars; spaces and punctuation are removed, so a phrase matches
    /// across "知道了 ， 知道了".
    public var scalars: [UInt32]
    /// For each folded scalar, its Unicode-scalar offset in the original text.
    public var originalOffsets: [Int]

    public init(scalars: [UInt32], originalOffsets: [Int]) {
        self.scalars = scalars
        self.originalOffsets = originalOffsets
    }
}

/// Maps each Unicode scalar to its comparison form in one array load.
///
/// The mapping is traditional→simplified, full-width→half-width and lower case,
/// and punctuation/whitespace/symbols become "skip". Only 1-scalar→1-scalar
/// results are kept, so offsets in the folded text map straight back to the
/// original. The table is computed once from Foundation's ICU transforms (part
/// of the toolchain, so nothing has to be installed) instead of shipping a
/// conversion table that would drift from ICU.
public struct TextFolder: Sendable {
    /// The process-wide folder; its table is built lazily on first use
    /// (Swift `static let` initialisation is thread-safe).
    public static let shared = TextFolder(table: FoldTable.shared)

    /// The fold value meaning "ignore this scalar" (spaces, punctuation, symbols).
    public static let skip: UInt32 = 0xFFFF_FFFF

    let table: FoldTable

    init(table: FoldTable) { self.table = table }

    /// Folds one scalar value; `TextFolder.skip` for ignorable scalars.
    @inline(__always)
    public func fold(scalar value: UInt32) -> UInt32 {
        value < 0x1_0000 ? table.bmp[Int(value)] : table.foldAstral(value)
    }

    /// Folds a whole text, keeping the original offset of every kept scalar.
    public func fold(_ text: String) -> FoldedText {
        var scalars: [UInt32] = []
        var offsets: [Int] = []
        scalars.reserveCapacity(text.utf8.count / 2)
        offsets.reserveCapacity(text.utf8.count / 2)
        var index = 0
        for scalar in text.unicodeScalars {
            let folded = fold(scalar: scalar.value)
            if folded != Self.skip {
                scalars.append(folded)
                offsets.append(index)
            }
            index += 1
        }
        return FoldedText(scalars: scalars, originalOffsets: offsets)
    }

    /// The folded form as a string (for validation, keys and display in tests).
    public func foldedString(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for value in fold(text).scalars {
            if let scalar = Unicode.Scalar(value) { out.append(scalar) }
        }
        return String(out)
    }

    /// Seconds the one-off table construction took (0 if built elsewhere); lets
    /// tests and the benchmark keep an eye on start-up cost without printing.
    public static var tableBuildSeconds: Double { FoldTable.shared.buildSeconds }
}

/// The flat fold table: 65 536 `UInt32` for the BMP, computed on the fly above
/// it (astral scalars are rare in service text; emoji fold to skip).
final class FoldTable: @unchecked Sendable {
    static let shared = FoldTable()

    /// Immutable after `init`, hence safe to share across threads.
    let bmp: UnsafeMutablePointer<UInt32>
    /// 0xFFFF where the BMP scalar folds to skip, else 0: the starting point of
    /// every matcher's class table (copied, then the alphabet is filled in).
    let skipMask: UnsafeMutablePointer<UInt16>
    /// Folded BMP scalar → the other BMP scalars that fold to it (traditional,
    /// full-width and upper-case forms), so a matcher can fill its class
    /// table in O(alphabet) instead of scanning all 65 536 scalars.
    let sources: [UInt32: [UInt32]]
    let buildSeconds: Double

    init() {
        let started = ContinuousClock.now
        let bmp = UnsafeMutablePointer<UInt32>.allocate(capacity: 0x1_0000)
        for value in 0..<0x1_0000 {
            bmp[value] = Self.baseFold(UInt32(value))
        }
        // Full-width forms → half-width, then the half-width result's own fold
        // (so "！" skips and "Ａ" becomes "a").
        Self.transform(range: 0xFF00...0xFFEF, transform: .fullwidthToHalfwidth) { from, to in
            if to < 0x1_0000 { bmp[Int(from)] = bmp[Int(to)] }
        }
        // Traditional → simplified for the CJK blocks.
        let hantHans = StringTransform("Hant-Hans")
        for range in [0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF] as [ClosedRange<UInt32>] {
            Self.transform(range: range, transform: hantHans) { from, to in
                if to < 0x1_0000, bmp[Int(to)] != TextFolder.skip { bmp[Int(from)] = to }
            }
        }
        // Variant characters agents type for the same word; applied to every
        // scalar's fold so traditional and full-width forms follow (帳→帐→账).
        for value in 0..<0x1_0000 {
            if let variant = Self.variants[bmp[value]] { bmp[value] = variant }
        }
        self.bmp = bmp
        let mask = UnsafeMutablePointer<UInt16>.allocate(capacity: 0x1_0000)
        var sources: [UInt32: [UInt32]] = [:]
        for value in 0..<0x1_0000 {
            let folded = bmp[value]
            mask[value] = folded == TextFolder.skip ? 0xFFFF : 0
            if folded != TextFolder.skip, folded != UInt32(value) { sources[folded, default: []].append(UInt32(value)) }
        }
        self.skipMask = mask
        self.sources = sources
        let elapsed = ContinuousClock.now - started
        buildSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    deinit { bmp.deallocate(); skipMask.deallocate() }

    /// Characters written interchangeably in service speech and chat, folded to
    /// one form so a lexicon entry written with either matches both (其它/其他,
    /// 帐号/账号, 啰唆/啰嗦, 好象/好像, 妳/你, 那裏/那里, 忙著/忙着). Kept small on purpose:
    /// only pairs that are the same word in practice, never different words
    /// that merely sound alike (的/地/得, 在/再 stay apart).
    static let variants: [UInt32: UInt32] = {
        let pairs: [(Unicode.Scalar, Unicode.Scalar)] = [
            ("它", "他"), ("牠", "他"), ("帐", "账"), ("唆", "嗦"), ("象", "像"), ("妳", "你"),
            ("裏", "里"), ("裡", "里"), ("著", "着"),
        ]
        var table: [UInt32: UInt32] = [:]
        for (from, to) in pairs where from != to { table[from.value] = to.value }
        return table
    }()

    /// Fold of a scalar above the BMP: skip for symbols/punctuation (emoji), else itself.
    func foldAstral(_ value: UInt32) -> UInt32 {
        guard let scalar = Unicode.Scalar(value) else { return TextFolder.skip }
        return Self.isSkippable(scalar) ? TextFolder.skip : value
    }

    /// Skip for whitespace, punctuation, symbols and invisible formatting;
    /// otherwise the single-scalar lower-case form.
    static func baseFold(_ value: UInt32) -> UInt32 {
        guard let scalar = Unicode.Scalar(value) else { return value } // surrogates never occur in text
        if isSkippable(scalar) { return TextFolder.skip }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        if lower.count == 1, let first = lower.first { return first.value }
        return value
    }

    static func isSkippable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .spaceSeparator, .lineSeparator, .paragraphSeparator,
             .control, .format, .mathSymbol, .modifierSymbol, .otherSymbol:
            return true
        case .nonspacingMark:
            return (0xFE00...0xFE0F).contains(scalar.value) // variation selectors
        default:
            return false
        }
    }

    /// Applies an ICU transform to a whole range, in chunks (one call per chunk
    /// is ~5× faster than one per character). A chunk whose result does not
    /// have the same scalar count cannot be aligned and is redone per character.
    static func transform(range: ClosedRange<UInt32>, transform: StringTransform, _ record: (UInt32, UInt32) -> Void) {
        let chunkSize: UInt32 = 2048
        var low = range.lowerBound
        while low <= range.upperBound {
            let high = min(low + chunkSize - 1, range.upperBound)
            var chunk = String.UnicodeScalarView()
            var sources: [UInt32] = []
            for value in low...high {
                guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .unassigned else { continue }
                chunk.append(scalar)
                sources.append(value)
            }
            if let result = String(chunk).applyingTransform(transform, reverse: false) {
                let targets = Array(result.unicodeScalars)
                if targets.count == sources.count {
                    for (from, to) in zip(sources, targets) where from != to.value { record(from, to.value) }
                } else {
                    for from in sources {
                        let single = String(Unicode.Scalar(from)!)
                        if let out = single.applyingTransform(transform, reverse: false) {
                            let scalars = out.unicodeScalars
                            if scalars.count == 1, let to = scalars.first, to.value != from { record(from, to.value) }
                        }
                    }
                }
            }
            low = high + 1
        }
    }
}
