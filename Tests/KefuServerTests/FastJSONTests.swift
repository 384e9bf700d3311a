import Foundation
import Testing
import KefuCore
@testable import KefuServer

/// The hand-written JSON of a work order is the JSON its `encode(to:)` gives through the
/// API's encoder, field for field, whatever the text and the time zone.
@Suite("Hand-written JSON")
struct FastJSONTests {
    static func sample(address: Address?, subject: String, dates: Date) -> WorkOrderDTO {
        var labels = TenantLabels()
        let company = UUID(), branch = UUID()
        labels.companies[company] = ("HQ", "星河通信")
        labels.branches[branch] = ("MAIN", "本部")
        let o = WorkOrder()
        o.id = UUID(); o.companyID = company; o.branchID = branch; o.number = "GD20261207-0001"
        o.type = "complaint"; o.channel = "phone"; o.status = "open"; o.priority = "high"
        o.subject = subject; o.description = "第一行\n第二行\t\"引号\" \\ / \u{01}\u{1f} 😀"
        o.ownerWorkId = "1001"; o.createdByWorkId = "1001"; o.$customer.id = UUID(); o.address = address
        o.needsVisit = address != nil; o.firstResponseDueAt = dates; o.firstRespondedAt = nil
        o.resolutionTargetSeconds = 3600; o.calendarKind = "24h"; o.resolutionDueAt = dates.addingTimeInterval(86_399.6)
        o.pausedSeconds = 0; o.escalationLevel = 2; o.duplicateOf = address == nil ? UUID() : nil
        o.promisedReplyAt = dates.addingTimeInterval(-0.4); o.callbackDone = true; o.openSupervisionCount = 3
        o.createdAt = dates; o.updatedAt = dates.addingTimeInterval(59.999)
        return WorkOrderDTO(o, labels: labels)
    }

    static func object(_ data: Data) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    @Test(arguments: ["Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu"])
    func aWorkOrderWritesWhatTheEncoderWrites(zone: String) throws {
        let tz = try #require(TimeZone(identifier: zone))
        let dates: [Date] = [Date(timeIntervalSince1970: 1_796_573_955.849), Date(timeIntervalSince1970: 0),
                             Date(timeIntervalSince1970: 951_782_400), Date(timeIntervalSince1970: 1_710_054_000.5),
                             Date(timeIntervalSince1970: 4_102_444_799)]
        let address = Address(city: "杭州市", district: "西湖区", street: "文三路 8/1 号", door: "\"101\"")
        for date in dates {
            for dto in [Self.sample(address: address, subject: "宽带断线", dates: date), Self.sample(address: nil, subject: "", dates: date)] {
                var w = JSONWriter(timeZone: tz)
                try dto.write(to: &w)
                let fast = try Self.object(Data(w.bytes))
                let slow = try Self.object(try JSONCoding.encoder(timeZone: tz).encode(dto))
                #expect(fast == slow, "\(zone) \(date)")
            }
        }
    }

    @Test func aListWritesWhatTheEncoderWrites() throws {
        let tz = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let items = (0..<3).map { Self.sample(address: nil, subject: "第 \($0) 张", dates: Date(timeIntervalSince1970: 1_796_573_955 + Double($0))) }
        let list = WorkOrderListDTO(items: items, total: 12_345, limit: 3, offset: 6)
        var w = JSONWriter(timeZone: tz)
        try list.write(to: &w)
        #expect(try Self.object(Data(w.bytes)) == (try Self.object(try JSONCoding.encoder(timeZone: tz).encode(list))))
        let empty = WorkOrderListDTO(items: [], total: 0, limit: 50, offset: 0)
        var e = JSONWriter(timeZone: tz)
        try empty.write(to: &e)
        #expect(String(decoding: e.bytes, as: UTF8.self) == #"{"items":[],"total":0,"limit":50,"offset":0}"#)
    }

    @Test func historyChangesWriteWhatTheEncoderWrote() throws {
        let changes: [String: History.Change] = [
            "status": .init(from: nil, to: "open"), "ownerWorkId": .init(from: "1001", to: "1002"),
            "subject": .init(from: "a/b \"c\"", to: nil), "备注": .init(from: "\n", to: "😀"),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try Self.object(Data(History.json(changes).utf8)) == (try Self.object(try encoder.encode(changes))))
        let from = changes.mapValues(\.from)
        #expect(try Self.object(Data(History.json(from).utf8)) == (try Self.object(try encoder.encode(from))))
        #expect(History.json([String: History.Change]()) == "{}")
    }
}
