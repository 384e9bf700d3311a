import Fluent
import SQLKit

extension WorkOrder {
    /// Inserts a new order with one statement. Creating orders is the hottest write, and a
    /// Fluent `create` walks the model's 31 properties by reflection first.
    func insert(on db: Database) async throws {
        try await (try db.sql()).raw(try insertRow()).run()
        $id.exists = true
    }

    /// The order's row: the columns M003_CreateWorkOrders defines, plus M014's company and
    /// branch. The order writer thread (`SQLiteWriter`) runs the same statement.
    func insertRow() throws -> SQLText {
        .insert(into: Self.schema, [
            "id": .uuid(try requireID()), "company_id": .uuid(companyID), "branch_id": .uuid(branchID),
            "number": .text(number), "type": .text(type), "channel": .text(channel), "status": .text(status),
            "priority": .text(priority), "subject": .text(subject), "description": .text(description),
            "owner_work_id": .text(ownerWorkId), "created_by_work_id": .text(createdByWorkId),
            "customer_id": .uuid($customer.id), "address": .address(address), "needs_visit": .bool(needsVisit),
            "first_response_due_at": .date(firstResponseDueAt), "first_responded_at": .date(firstRespondedAt),
            "resolution_target_seconds": .int(resolutionTargetSeconds), "calendar_kind": .text(calendarKind),
            "resolution_due_at": .date(resolutionDueAt), "paused_seconds": .int(pausedSeconds), "paused_since": .date(pausedSince),
            "escalation_level": .int(escalationLevel), "next_escalation_at": .date(nextEscalationAt),
            "duplicate_of": .uuid(duplicateOf), "promised_reply_at": .date(promisedReplyAt), "callback_done": .bool(callbackDone),
            "open_supervision_count": .int(openSupervisionCount), "resolved_at": .date(resolvedAt), "closed_at": .date(closedAt),
            "created_at": .date(createdAt), "updated_at": .date(updatedAt),
        ])
    }
}
