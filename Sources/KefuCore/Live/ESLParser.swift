import Foundation

/// Splits the FreeSWITCH event-socket (ESL) byte stream into frames.
///
/// Each frame is a header block ended by a blank line; when it has a
/// `Content-Length`, exactly that many bytes of body follow (the event itself,
/// for `events plain …`). Framing by length rather than by blank lines is what
/// makes multi-line bodies safe, so bytes are buffered until the whole body is in.
public struct ESLParser: Sendable {
    private var buffer: [UInt8] = []
    private var headers: [String: String] = [:]
    private var bodyLength: Int?

    public init() {}

    public mutating func feed(_ data: Data) -> [ESLFrame] {
        buffer.append(contentsOf: data)
        var frames: [ESLFrame] = []
        var start = 0
        while true {
            if let length = bodyLength {
                guard buffer.count - start >= length else { break }
                let body = String(decoding: buffer[start..<(start + length)], as: UTF8.self)
                start += length
                frames.append(ESLFrame(headers: headers, body: body))
                headers = [:]
                bodyLength = nil
                continue
            }
            guard let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            var end = newline
            if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = String(decoding: buffer[start..<end], as: UTF8.self)
            start = newline + 1
            if line.isEmpty {
                guard !headers.isEmpty else { continue } // blank lines between frames
                let length = headers["Content-Length"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
                if length > 0 {
                    bodyLength = length
                } else {
                    frames.append(ESLFrame(headers: headers, body: ""))
                    headers = [:]
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            headers[String(line[..<colon])] = String(value)
        }
        buffer.removeFirst(start)
        return frames
    }

    public mutating func feed(_ text: String) -> [ESLFrame] {
        feed(Data(text.utf8))
    }
}
