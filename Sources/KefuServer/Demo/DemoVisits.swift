import Vapor
import Fluent
import KefuCore

/// Two technicians with skills, areas and hours, and visits booked on open orders that need
/// one: two today (reconfirmed, so the technician's phone page has a route), two tomorrow
/// (their reconfirmation call due this morning, on the agent's reminders and on /visits).
struct DemoVisits {
    let app: Application

    func load(companyID: UUID) async throws {
        let db = app.db
        let tz = app.kefu.settings.timeZone
        let now = app.kefu.clock.now()
        let tenant = TenantData(scope: .companies([companyID]), db: db)
        guard let lead = try await tenant.query(User.self).filter(\.$workId == "3001").first(),
              let agent = try await tenant.query(User.self).filter(\.$workId == "1001").first() else { return }
        let today = LocalDay(now, in: tz)
        // The morning: today's windows are still ahead whatever time the demo starts.
        let morning = today.start(in: tz).addingTimeInterval(7 * 3600)
        func desk(_ user: User, at t: Date) -> VisitDesk {
            VisitDesk(scope: OrderScope(visibility: .all, tenant: tenant), user: user, now: t, timeZone: tz)
        }
        _ = try await desk(lead, at: morning).saveProfile(workId: "8101", .init(skills: "宽带,有线电视", areas: "西湖区,滨江区", hours: "08:30-17:30", weekdays: Array(1...7)))
        _ = try await desk(lead, at: morning).saveProfile(workId: "8102", .init(skills: "宽带,固定电话", areas: "西湖区,鄞州区,鹿城区", hours: "09:00-18:00", weekdays: [1, 2, 3, 4, 5, 6]))
        let orders = try await tenant.query(WorkOrder.self).filter(\.$companyID == companyID).filter(\.$needsVisit == true)
            .filter(\.$status != WorkOrderStatus.closed.rawValue).sort(\.$createdAt).all()
        for (i, order) in orders.prefix(4).enumerated() {
            let day = i >= 2 ? today.adding(days: 1) : today
            let booking = desk(agent, at: morning)
            guard let slot = try await booking.slots(order: order, day: day, skill: "宽带").first,
                  let technician = slot.technicians.first else { continue }
            let v = try await booking.book(.init(workOrderId: order.id?.uuidString, slotStart: JSONCoding.formatISO(slot.start, timeZone: tz),
                                                 technicianWorkId: technician, skill: "宽带", bring: i == 0 ? "光猫、网线、测线仪" : "光功率计"))
            if day == today { _ = try await desk(agent, at: morning.addingTimeInterval(600)).act(v.id, .reconfirm, .init(note: "客户在家，电话确认")) }
        }
    }
}
