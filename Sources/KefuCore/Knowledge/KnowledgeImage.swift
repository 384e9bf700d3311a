import Foundation

/// A picture for an article or a case (R6.1, R6.2). Pictures are kept apart from the text
/// (stored, then named by `/kb/images/{id}`) and only raster formats are taken: an SVG or an
/// HTML file renamed `.png` can carry script, so the kind is read from the bytes themselves,
/// never from the file name or the type the browser claims.
public enum KnowledgeImage {
    /// 5 MB: a phone photo of a set-top box's error screen fits; a video does not.
    public static let maxBytes = 5 * 1024 * 1024
    public static let maxAlt = 50

    public enum Kind: String, CaseIterable, Sendable, Codable {
        case png, jpeg, gif, webp

        public var contentType: String {
            switch self {
            case .png: "image/png"
            case .jpeg: "image/jpeg"
            case .gif: "image/gif"
            case .webp: "image/webp"
            }
        }
    }

    /// The format the bytes are in (by their signature), or nil for anything else.
    public static func kind<C: Collection>(of bytes: C) -> Kind? where C.Element == UInt8 {
        let head = Array(bytes.prefix(12))
        func starts(_ sig: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + sig.count && Array(head[offset..<(offset + sig.count)]) == sig
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        return nil
    }

    /// What is wrong with an upload, in the words the page shows; nil when it may be kept.
    public static func problem(byteCount: Int, kind: Kind?) -> String? {
        if byteCount == 0 { return "请选择图片文件" }
        if byteCount > maxBytes { return "图片不能超过 5 MB" }
        if kind == nil { return "只接受 PNG、JPEG、GIF 或 WebP 图片" }
        return nil
    }

    /// The Markdown that shows a stored picture in an article (`KnowledgeMarkdown` accepts it).
    public static func markdown(id: UUID, alt: String) -> String {
        let clean = String(alt.filter { !"[]()\n\r".contains($0) }.prefix(maxAlt))
        return "![\(clean.isEmpty ? "图片" : clean)](\(KnowledgeMarkdown.imagePrefix)\(id.uuidString))"
    }
}
