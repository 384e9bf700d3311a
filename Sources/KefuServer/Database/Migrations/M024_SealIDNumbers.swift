import Foundation
import Fluent
import SQLKit

/// ID numbers encrypted at rest (R5.5): seals the ones stored in plain text before this
/// release — on customers and inside change requests' JSON — with the center's data key.
/// Rows already sealed are left alone, so a run stopped half way is finished by the next.
struct M024_SealIDNumbers: AsyncMigration {
    let sealer: FieldSealer

    func prepare(on db: Database) async throws {
        let sql = try db.sql()
        struct Plain: Decodable { var id: UUID; var id_number: String }
        let plain = try await sql.select().columns("id", "id_number").from("customers")
            .where("id_number", .isNot, SQLLiteral.null).all(decoding: Plain.self)
        for row in plain where !FieldSealer.isSealed(row.id_number) {
            let value: String? = row.id_number.isEmpty ? nil : try sealer.seal(row.id_number) as String
            try await sql.update("customers").set("id_number", to: value).where("id", .equal, row.id).run()
        }
        struct Request: Decodable { var id: UUID; var changes: String; var before: String? }
        let requests = try await sql.select().columns("id", "changes", "before").from("customer_change_requests").all(decoding: Request.self)
        for r in requests {
            let changes = try reseal(r.changes), before = try r.before.map(reseal)
            if changes != r.changes || before != r.before {
                try await sql.update("customer_change_requests").set("changes", to: changes).set("before", to: before).where("id", .equal, r.id).run()
            }
        }
    }

    /// The JSON with its `idNumber` sealed when it is plain text.
    private func reseal(_ json: String) throws -> String {
        let changes = try JSONCoding.decoder().decode(CustomerChanges.self, from: Data(json.utf8))
        guard let id = changes.idNumber, !id.isEmpty, !FieldSealer.isSealed(id) else { return json }
        return try changes.json(sealer)
    }

    func revert(on db: Database) async throws {}
}
