import Vapor

/// CSV for Excel: UTF-8 with a BOM (or Excel reads the Chinese as mojibake), CRLF line ends,
/// fields quoted only when they must be. Used by every table a lead can download.
enum CSVDownload {
    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Header and rows as one document, BOM first.
    static func document(headers: [String], rows: [[String]]) -> String {
        var out = "\u{FEFF}" + headers.map(field).joined(separator: ",") + "\r\n"
        for r in rows { out += r.map(field).joined(separator: ",") + "\r\n" }
        return out
    }

    /// The download response: content type and an attachment file name.
    static func response(_ text: String, filename: String) -> Response {
        let res = Response(status: .ok, body: .init(string: text))
        res.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return res
    }
}
