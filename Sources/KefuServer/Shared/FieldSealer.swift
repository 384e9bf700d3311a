import Foundation
import Crypto

/// Encrypts the personal fields kept encrypted at rest (R5.5: the ID number), with AES-GCM
/// from swift-crypto (already a Vapor dependency): a stolen database file or backup does
/// not give the numbers away. Sealed values are text (`enc1:` + base64 of nonce, ciphertext
/// and tag) so they fit the existing string columns on both databases.
///
/// The key: `KEFU_DATA_KEY` (base64 of 32 bytes) or `KEFU_DATA_KEY_FILE`; without either, a
/// SQLite center keeps a key file next to its database (`kefu.sqlite.key`, mode 0600,
/// created on first start). PostgreSQL requires one of the two, since several processes on
/// several machines must share the key.
struct FieldSealer: Sendable {
    static let prefix = "enc1:"
    let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    func seal(_ plain: String) throws -> String {
        let box = try AES.GCM.seal(Data(plain.utf8), using: key)
        guard let combined = box.combined else { throw KefuError(.internalServerError, "seal_failed", "数据加密失败。") }
        return Self.prefix + combined.base64EncodedString()
    }

    func seal(_ plain: String?) throws -> String? { try plain.map(seal) }

    /// The plain value. A value that does not open (another key, a damaged row) is an error,
    /// never shown as if it were the number.
    func open(_ stored: String) throws -> String {
        guard stored.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: data), let plain = try? AES.GCM.open(box, using: key),
              let text = String(data: plain, encoding: .utf8) else {
            throw KefuError(.internalServerError, "sealed_field_unreadable", "加密字段无法解密：数据密钥与加密时不一致？请检查 KEFU_DATA_KEY。")
        }
        return text
    }

    func open(_ stored: String?) throws -> String? { try stored.map(open) }

    static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    /// The key this process uses, from the settings or the key file beside a SQLite database.
    static func resolve(_ settings: Settings) throws -> FieldSealer {
        if let key = settings.dataKey { return FieldSealer(key: SymmetricKey(data: key)) }
        switch settings.database {
        case .sqliteMemory:
            return FieldSealer(key: SymmetricKey(size: .bits256))
        case .sqlite(let path):
            return FieldSealer(key: SymmetricKey(data: try keyFile(path + ".key")))
        case .postgres:
            throw StartupError("DATABASE_URL 指向 PostgreSQL：请用 KEFU_DATA_KEY（32 字节密钥的 base64，如 `openssl rand -base64 32`）或 KEFU_DATA_KEY_FILE 设置证件号码的加密密钥，各进程须相同。")
        }
    }

    /// Reads the key file, or creates it (owner-only) on first start.
    static func keyFile(_ path: String) throws -> Data {
        let fm = FileManager.default
        if let data = fm.contents(atPath: path) {
            guard let text = String(data: data, encoding: .utf8), let key = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  key.count == 32 else { throw StartupError("数据密钥文件 \(path) 无法读取：应为 32 字节密钥的 base64。") }
            return key
        }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        try fm.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        guard fm.createFile(atPath: path, contents: Data(key.base64EncodedString().utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StartupError("无法创建数据密钥文件 \(path)。")
        }
        return key
    }
}
