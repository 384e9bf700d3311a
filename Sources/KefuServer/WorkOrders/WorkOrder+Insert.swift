import Fluent
import SQLKit

extension WorkOrder {
    /// Inserts a new order with one SQLKit statement. Creating orders is the hottest write,
    /// and a Fluent `create` walks the model's 31 properties by reflection first.
    /// The column list is the one M003_CreateWorkOrders defines, plus M014's company and branch.
    func insert(on db: Database) async throws {
        try await (try db.sql()).insert(into: Self.schema)
            .columns("id", "company_id", "branch_id", "number", "type", "channel", "status", "priority", "subject", "description",
                     "owner_work_id", "created_by_work_id", "customer_id", "address", "needs_visit",
                     "first_response_due_at", "first_responded_at", "resolution_target_seconds", "calendar_kind",
                     "resolution_due_at", "paused_seconds", "paused_since", "escalation_level", "next_escalation_at",
                     "duplicate_of", "promised_reply_at", "callback_done", "open_supervision_count",
                     "resolved_at", "closed_at", "created_at", "updated_at")
            .values(SQLBind(try requireID()), SQLBind(companyID), SQLBind(branchID), SQLBind(number), SQLBind(type), SQLBind(channel), SQLBind(status), SQLBind(priority),
                    SQLBind(subject), SQLBind(description), SQLBind(ownerWorkId), SQLBind(createdByWorkId),
                    SQLBind($customer.id), SQLBind(address), SQLBind(needsVisit),
                    SQLBind(firstResponseDueAt), SQLBind(firstRespondedAt), SQLBind(resolutionTargetSeconds), SQLBind(calendarKind),
                    SQLBind(resolutionDueAt), SQLBind(pausedSeconds), SQLBind(pausedSince), SQLBind(escalationLevel),
                    SQLBind(nextEscalationAt), SQLBind(duplicateOf), SQLBind(promisedReplyAt), SQLBind(callbackDone),
                    SQLBind(openSupervisionCount), SQLBind(resolvedAt), SQLBind(closedAt), SQLBind(createdAt), SQLBind(updatedAt))
            .run()
        $id.exists = true
    }
}
