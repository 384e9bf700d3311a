import Vapor
import Fluent
import KefuCore

/// The voice menu in force and its edits: each save is validated by KefuCore, stored as a
/// new version and audited.
struct IVRService {
    let db: Database
    let now: Date
    let history: History

    init(req: Request) { db = req.db; now = req.now; history = req.history() }

    static func current(on db: Database) async throws -> IVRMenu {
        guard let row = try await IVRMenuVersion.query(on: db).sort(\.$version, .descending).first(),
              var menu = try? JSONDecoder().decode(IVRMenu.self, from: Data(row.body.utf8)) else { return .standard }
        menu.version = row.version
        return menu
    }

    func save(_ menu: IVRMenu, note: String?) async throws -> Int {
        let problems = menu.problems()
        guard problems.isEmpty else {
            throw KefuError.invalid(problems.map { FieldProblemDTO(field: "ivr", message: $0) })
        }
        let noteText = String((ContactService.trimmed(note) ?? "编辑语音导航").prefix(200))
        let actor = history.actorWorkId
        return try await db.writeTransaction { tx in
            let last = try await IVRMenuVersion.query(on: tx).sort(\.$version, .descending).first()?.version ?? IVRMenu.standard.version
            var saved = menu
            saved.version = last + 1
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let row = IVRMenuVersion()
            row.id = UUID(); row.version = saved.version; row.body = String(decoding: try encoder.encode(saved), as: UTF8.self)
            row.note = noteText; row.createdBy = actor; row.createdAt = self.now
            try await row.create(on: tx)
            try await self.history.on(tx).audit(action: "ivr.saved", objectType: "ivr_menu", objectId: String(saved.version),
                                                before: String(last), after: "\(saved.menus.count) 个菜单：\(noteText)")
            return saved.version
        }
    }
}
