import Foundation

/// One message of the FreeSWITCH event socket: outer headers and an optional body.
public struct ESLFrame: Hashable, Sendable {
    /// Outer headers (`Content-Type`, `Content-Length`, `Reply-Text`…), as sent.
    public var headers: [String: String]
    public var body: String

    public init(headers: [String: String], body: String) {
        self.headers = headers
        self.body = body
    }

    public var contentType: String? { headers["Content-Type"] }

    /// The event's headers, URL-decoded, when this frame carries a plain-text
    /// event (`Content-Type: text/event-plain`); nil for replies, auth
    /// requests and disconnect notices. An event's own body, if any, is under
    /// the key `_body`.
    public var event: [String: String]? {
        guard contentType == "text/event-plain" else { return nil }
        var headers: [String: String] = [:]
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let raw = lines.first {
            lines = lines.dropFirst()
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty {
                if !headers.isEmpty { break } else { continue }
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            headers[key] = String(value).removingPercentEncoding ?? String(value)
        }
        if headers["Content-Length"] != nil {
            let rest = lines.joined(separator: "\n")
            if !rest.isEmpty { headers["_body"] = rest }
        }
        return headers
    }
}
