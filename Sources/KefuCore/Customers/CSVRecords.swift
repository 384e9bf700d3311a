import Foundation

/// Records of a CSV file (RFC 4180, as Excel and WPS save it): fields separated by commas,
/// quoted with `"` when they hold commas, quotes (doubled) or line breaks; CRLF or LF; a UTF-8
/// byte-order mark is skipped. Each record carries the line it starts on, so an import can
/// name the line of a bad one. Written by hand: no CSV package is among the ones this
/// project builds on, and the format is this small.
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]
    /// A quoted field ran to the end of the file: the record is cut and must be refused.
    public var unterminated: Bool
}

public enum CSVRecords {
    public static func parse(_ text: String) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var line = 1, recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        if text.unicodeScalars.first == "\u{FEFF}" { _ = iterator.next() }
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(field)
            // A blank line is no record.
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) {
                records.append(CSVRecord(line: recordLine, fields: fields, unterminated: false))
            }
            fields = []; field = ""; wasQuoted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                quoted = true; wasQuoted = true
            case ",":
                fields.append(field); field = ""
            case "\r":
                if let next = iterator.next(), next != "\n" { pending = next }
                endRecord(); line += 1; recordLine = line
            case "\n":
                endRecord(); line += 1; recordLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted {
            fields.append(field)
            records.append(CSVRecord(line: recordLine, fields: fields, unterminated: true))
        } else if !field.isEmpty || !fields.isEmpty || wasQuoted {
            endRecord()
        }
        return records
    }
}

/// A spreadsheet's columns found by their header, each known by several names (English or
/// Chinese, any case): what every import of a center's sheet reads its rows through.
public struct CSVColumns: Sendable {
    private let index: [String: Int]

    public init(header: CSVRecord, columns: [(key: String, names: [String])]) {
        var index: [String: Int] = [:]
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if let column = columns.first(where: { $0.names.contains(name) }), index[column.key] == nil { index[column.key] = i }
        }
        self.index = index
    }

    public func has(_ key: String) -> Bool { index[key] != nil }

    /// The row's value of a column, trimmed; nil when the column or the value is missing.
    public func value(_ key: String, in record: CSVRecord) -> String? {
        guard let i = index[key], i < record.fields.count else { return nil }
        let v = record.fields[i].trimmingCharacters(in: .whitespaces)
        return v.isEmpty ? nil : v
    }
}
