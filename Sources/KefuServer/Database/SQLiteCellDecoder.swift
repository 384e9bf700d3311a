import Foundation

/// Decodes one row of the SQLite thread's results into a `Decodable` row struct by column
/// name, reading values the way sqlite-nio stores them: UUIDs as text, dates as seconds since
/// 1970, booleans as 0/1, nested structs as JSON text.
struct SQLiteCellDecoder: Decoder {
    let names: [String]
    let cells: [SQLiteCell]
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is keyed by column"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row is keyed by column"))
    }

    func cell(_ key: some CodingKey) -> SQLiteCell? {
        names.firstIndex(of: key.stringValue).map { cells[$0] }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: SQLiteCellDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        var allKeys: [Key] { decoder.names.compactMap(Key.init(stringValue:)) }

        func contains(_ key: Key) -> Bool { decoder.names.contains(key.stringValue) }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let cell = decoder.cell(key) else { return true }
            if case .null = cell { return true }
            return false
        }

        private func mismatch<T>(_ type: T.Type, _ key: Key) -> DecodingError {
            .typeMismatch(type, .init(codingPath: codingPath + [key], debugDescription: "column \(key.stringValue): \(String(describing: decoder.cell(key)))"))
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
            guard case .int(let v)? = decoder.cell(key) else { throw mismatch(type, key) }
            return v != 0
        }

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            guard case .text(let v)? = decoder.cell(key) else { throw mismatch(type, key) }
            return v
        }

        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            switch decoder.cell(key) {
            case .double(let v)?: return v
            case .int(let v)?: return Double(v)
            default: throw mismatch(type, key)
            }
        }

        func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
            guard case .int(let v)? = decoder.cell(key) else { throw mismatch(type, key) }
            return Int(v)
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let cell = decoder.cell(key)
            if type == UUID.self {
                guard let v = cell?.uuid as? T else { throw mismatch(type, key) }
                return v
            }
            if type == Date.self {
                guard let v = cell?.date as? T else { throw mismatch(type, key) }
                return v
            }
            if type == Int64.self, case .int(let v)? = cell, let r = v as? T { return r }
            // Anything else is stored as JSON text (a struct such as an address).
            guard case .text(let json)? = cell else { throw mismatch(type, key) }
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw mismatch([String: Any].self, key)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw mismatch([Any].self, key)
        }

        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
    }
}
