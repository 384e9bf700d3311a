import Vapor

/// Which slice of a list a client asked for. Bounded here, where `limit` and `offset` come
/// out of the query string, so no handler adds or multiplies a number a client chose
/// (`offset=9223372036854775807` once overflowed `offset + limit`). The same bounds are
/// written in the OpenAPI document's `Limit` and `Offset` parameters.
struct PageWindow: Sendable, Equatable {
    static let maxLimit = 200
    static let maxOffset = 1_000_000
    static let defaultLimit = 50

    let limit: Int
    let offset: Int

    /// Refuses, rather than clamps, a window out of bounds: a client that asked for
    /// 10 000 rows should learn it got 200, not find out from a short page.
    init(limit: Int?, offset: Int?) throws {
        let limit = limit ?? Self.defaultLimit, offset = offset ?? 0
        guard (1...Self.maxLimit).contains(limit) else {
            throw KefuError.badRequest("limit 须在 1–\(Self.maxLimit) 之间")
        }
        guard (0...Self.maxOffset).contains(offset) else {
            throw KefuError.badRequest("offset 须在 0–\(Self.maxOffset) 之间")
        }
        self.limit = limit
        self.offset = offset
    }

    /// Both ends are bounded above, so the sum cannot overflow.
    var range: Range<Int> { offset..<(offset + limit) }
}
