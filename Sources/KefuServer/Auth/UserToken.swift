import Fluent
import Vapor
import Crypto

/// An API bearer token. Only its SHA-256 is stored, so a database dump cannot sign anyone in.
final class UserToken: Model, @unchecked Sendable {
    static let schema = "user_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: User
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(tokenHash: String, userID: UUID, expiresAt: Date, createdAt: Date) {
        self.tokenHash = tokenHash; self.$user.id = userID; self.expiresAt = expiresAt; self.createdAt = createdAt
    }

    static func hash(_ token: String) -> String {
        // Hex by table: this runs on every API request, and a format string per byte showed
        // in its profile.
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
