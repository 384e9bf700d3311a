import Foundation
import Testing
@testable import KefuCore

/// What clients write as a time: everything RFC 3339 allows is read, including what
/// Foundation's parsers refuse (offsets past ±18 h, leap seconds, long fractions).
struct InstantTextTests {
    private func seconds(_ text: String) -> Double? {
        guard case .instant(let date) = InstantText.read(text) else { return nil }
        return date.timeIntervalSince1970
    }

    @Test func readsEveryRFC3339Form() throws {
        #expect(seconds("1970-01-01T00:00:00Z") == 0)
        #expect(seconds("1970-01-01t00:00:00z") == 0)
        #expect(seconds("1970-01-01T08:00:00+08:00") == 0)
        #expect(seconds("1970-01-01T08:00:00+0800") == 0)
        // Fuzzing found this one refused: Foundation's TimeZone stops at ±18 h.
        let late = try #require(seconds("2000-01-01T00:00:58.18353-23:07"))
        #expect(abs(late - (946_684_858.18353 + 23 * 3600 + 7 * 60)) < 0.000_01)
        #expect(seconds("2016-12-31T23:59:60Z") == seconds("2017-01-01T00:00:00Z"))
        #expect(seconds("2026-02-28T12:00:00,5Z") == seconds("2026-02-28T12:00:00.5Z"))
    }

    @Test func tellsAMissingOffsetFromMalformedText() {
        #expect(InstantText.read("2026-11-23T09:00:00") == .missingOffset)
        #expect(InstantText.read("2026-11-23T09:00:00.25") == .missingOffset)
        for bad in ["", "2026-11-23", "2026-02-29T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T09:00:61Z",
                    "2026-11-23T09:00:00+24:00", "2026-11-23T09:00:00.Z", "2026-11-23T09:00:00Z ", "２026-11-23T09:00:00Z"] {
            #expect(InstantText.read(bad) == .malformed, "\(bad)")
        }
    }
}
