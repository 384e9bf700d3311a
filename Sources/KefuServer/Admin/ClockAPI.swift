import Vapor
import Fluent
import SQLKit

/// POST /api/v1/clock/advance — answers 404 unless the server runs with --simulated-clock.
/// The offset is stored so a restart keeps the simulated time, then the sweeper runs at once
/// so escalations that fell due appear immediately.
struct ClockAPI {
    struct Input: Content { var seconds: Int? }
    struct Output: Content { var now: Date; var offsetSeconds: Int }

    func register(_ api: RoutesBuilder) {
        api.requiring(.clockAdvance).post("clock", "advance", use: advance)
    }

    func advance(req: Request) async throws -> Output {
        guard let clock = req.kefu.simulatedClock else { throw KefuError.notFound("模拟时钟（未以 --simulated-clock 启动）") }
        let input = try req.content.decode(Input.self)
        guard let s = input.seconds, (1...31_536_000).contains(s) else {
            throw KefuError.invalid([.init(field: "seconds", message: "seconds 须为 1–31536000 的整数")])
        }
        let before = req.now
        clock.advance(by: TimeInterval(s))
        try await Self.saveOffset(Int(clock.offsetSeconds), on: req.db)
        try await req.history().audit(action: "clock.advance", objectType: "clock", objectId: nil, after: String(s))
        try await DeadlineSweeper(db: req.db, now: req.now, timeZone: req.kefu.settings.timeZone, logger: req.logger).sweep(batch: 10_000)
        // Each company's emergency policy sees the jump as real time would have: an observation every 15 s.
        try await EmergencyCoordinator.catchUpEveryCompany(req.application, db: req.db, from: before, to: req.now)
        try await LiveNotifier.changed(req.application, db: req.db)
        return Output(now: req.now, offsetSeconds: Int(clock.offsetSeconds))
    }

    static let key = "simulated_clock_offset"

    static func saveOffset(_ offset: Int, on db: Database) async throws {
        try await AppSettings.set(key, String(offset), on: db)
    }

    static func loadOffset(on db: Database) async throws -> Int {
        (try? await AppSettings.get(key, on: db)).flatMap { $0.flatMap(Int.init) } ?? 0
    }
}
