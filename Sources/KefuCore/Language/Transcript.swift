import Foundation

/// One utterance or system event of a contact (formats/transcript.md).
public struct TranscriptSegment: Codable, Sendable, Hashable {
    /// "agent", "customer" or "system".
    public var speaker: String
    /// Seconds from the start of the contact.
    public var start: Double
    public var end: Double
    /// What was said or written (absent for system events).
    public var text: String?
    /// For system segments: "hold_start", "hold_end", "transfer", "hangup".
    public var event: String?
    /// For hangups: "agent" or "customer".
    public var by: String?

    public init(speaker: String, start: Double, end: Double, text: String? = nil, event: String? = nil, by: String? = nil) {
        self.speaker = speaker
        self.start = start
        self.end = end
        self.text = text
        self.event = event
        self.by = by
    }

    /// Longest contact a transcript may describe (two days): times beyond it are a broken
    /// export, and bounding them keeps every duration sum and "mm:ss" label far from overflow.
    public static let maxSeconds: Double = 172_800

    enum CodingKeys: String, CodingKey { case speaker, start, end, text, event, by }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        speaker = try c.decode(String.self, forKey: .speaker)
        start = try c.decode(Double.self, forKey: .start)
        end = try c.decode(Double.self, forKey: .end)
        text = try c.decodeIfPresent(String.self, forKey: .text)
        event = try c.decodeIfPresent(String.self, forKey: .event)
        by = try c.decodeIfPresent(String.self, forKey: .by)
        guard start.isFinite, start >= 0, start <= Self.maxSeconds else {
            throw DecodingError.dataCorruptedError(forKey: .start, in: c, debugDescription: "start 须在 0–\(Int(Self.maxSeconds)) 秒之间")
        }
        guard end.isFinite, end >= start, end <= Self.maxSeconds else {
            throw DecodingError.dataCorruptedError(forKey: .end, in: c, debugDescription: "end 须不小于 start 且不超过 \(Int(Self.maxSeconds)) 秒")
        }
    }
}

/// A finished call or chat as stored by the server and read by `kefu qa scan`.
public struct Transcript: Codable, Sendable {
    public var id: String
    /// ISO 8601 with the center's local offset, e.g. "2026-10-01T09:00:05+08:00".
    public var startedAt: String?
    /// "phone", "chat", "email", …; only phone contacts get the call-script rules.
    public var channel: String
    public var agentId: String?
    public var segments: [TranscriptSegment]

    public init(id: String, startedAt: String? = nil, channel: String, agentId: String? = nil, segments: [TranscriptSegment]) {
        self.id = id
        self.startedAt = startedAt
        self.channel = channel
        self.agentId = agentId
        self.segments = segments
    }

    enum CodingKeys: String, CodingKey { case id, startedAt, channel, agentId, segments }

    /// A missing `channel` is read as "phone": older exports of the call
    /// recorder omit it, and phone is the strictest reading.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        startedAt = try container.decodeIfPresent(String.self, forKey: .startedAt)
        channel = try container.decodeIfPresent(String.self, forKey: .channel) ?? "phone"
        agentId = try container.decodeIfPresent(String.self, forKey: .agentId)
        segments = try container.decode([TranscriptSegment].self, forKey: .segments)
    }

    /// The local calendar day the contact started, which decides the holiday
    /// greeting. The date is read in startedAt's own offset (the center's local
    /// time); only a UTC ("Z") timestamp is converted to `defaultTimeZone`.
    public func localDay(defaultTimeZone: TimeZone) -> LocalDay? {
        guard let raw = startedAt?.trimmingCharacters(in: .whitespaces), raw.utf8.count >= 10 else { return nil }
        if raw.hasSuffix("Z") || raw.hasSuffix("z") {
            guard case .instant(let date) = InstantText.read(raw) else { return nil }
            return LocalDay(date, in: defaultTimeZone)
        }
        return LocalDay(String(raw.prefix(10)))
    }

    /// Parses one JSON Lines record; the error says what is wrong in words an
    /// operator can act on (which field is missing, or where the JSON breaks).
    public static func parse(jsonLine: Substring) throws -> Transcript {
        let trimmed = jsonLine.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw TranscriptError(message: "空行：没有通话记录") }
        do {
            return try JSONDecoder().decode(Transcript.self, from: Data(trimmed.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw TranscriptError(message: "缺少字段 \(path)")
        } catch let DecodingError.typeMismatch(_, context) {
            throw TranscriptError(message: "字段类型错误 \(Self.path(context)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw TranscriptError(message: "字段为空 \(Self.path(context))")
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw TranscriptError(message: "JSON 格式错误: \(underlying ?? context.debugDescription)")
        } catch {
            throw TranscriptError(message: "JSON 格式错误: \(error)")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// A transcript line that cannot be read; `message` is shown to the operator.
public struct TranscriptError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
