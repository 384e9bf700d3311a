import Foundation

/// Splits the Asterisk Manager Interface byte stream (TCP 5038) into messages.
///
/// AMI is `Key: Value` lines ending in CRLF, a blank line closing each
/// message, after a one-line `Asterisk Call Manager/x.y` banner. TCP hands
/// over arbitrary chunks, so bytes are buffered until a line is complete
/// (which also keeps multi-byte UTF-8 caller names intact). Only `Event:`
/// messages are returned: `Response:` messages answer our own actions
/// (Login, Ping) and carry no telephony facts.
public struct AMIParser: Sendable {
    private var buffer: [UInt8] = []
    private var current: [String: String] = [:]
    /// The banner, once seen (e.g. "Asterisk Call Manager/5.0.1"), for logs.
    public private(set) var banner: String?
    /// The `Message` of the last `Response: Error` (a refused login, a failed action), so a
    /// connector can stop and say why instead of waiting for events that never come.
    public private(set) var lastError: String?

    public init() {}

    /// Feeds received bytes; returns every event message they complete.
    public mutating func feed(_ data: Data) -> [[String: String]] {
        buffer.append(contentsOf: data)
        var messages: [[String: String]] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = String(decoding: buffer[start..<end], as: UTF8.self)
            start = newline + 1
            if let message = take(line) { messages.append(message) }
        }
        buffer.removeFirst(start)
        return messages
    }

    public mutating func feed(_ text: String) -> [[String: String]] {
        feed(Data(text.utf8))
    }

    private mutating func take(_ line: String) -> [String: String]? {
        if line.isEmpty {
            defer { current = [:] }
            if current["Response"] == "Error" { lastError = current["Message"] ?? "Error" }
            guard current["Event"] != nil else { return nil } // Response or stray blank line
            return current
        }
        if current.isEmpty, banner == nil, line.hasPrefix("Asterisk Call Manager/") {
            banner = line
            return nil
        }
        guard let colon = line.firstIndex(of: ":") else { return nil } // not a header: ignored
        let key = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        var value = line[line.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        if !key.isEmpty, current[key] == nil { current[key] = String(value) }
        return nil
    }
}
