/// Everything a route can require. Declared once here, with the roles that hold it,
/// so a reviewer reads the whole access policy in one file.
public enum Permission: String, Sendable, CaseIterable {
    /// Any signed-in person: own profile, sign out, the department list.
    case signedIn = "signed_in"
    case workOrderRead = "work_order.read"
    case workOrderWrite = "work_order.write"
    /// Hand an order to a department or to the shift lead (R1.3).
    case workOrderTransfer = "work_order.transfer"
    /// Record the callback (R1.5).
    case callbackWrite = "callback.write"
    case workOrderClose = "work_order.close"
    case supervisionRead = "supervision.read"
    /// Write the department's receipt (回单).
    case receiptWrite = "supervision.receipt"
    case customerRead = "customer.read"
    case customerWrite = "customer.write"
    /// The shift lead's board: escalations, overdue supervision orders, today's counts.
    case shiftBoard = "shift.board"
    case adminUsers = "admin.users"
    case adminSettings = "admin.settings"
    /// Move the simulated clock (training centers only).
    case clockAdvance = "clock.advance"
    /// Check a sentence against the language rules before it is sent (live chat check).
    case qaCheck = "qa.check"
    /// Serve customers in the web chat (the agent side of the chat box).
    case chatServe = "chat.serve"
    /// Store transcripts of finished contacts for scoring (imports, switch recordings).
    case contactImport = "contact.import"
    /// Read scored contacts: one's own, or everyone's with review or appraisal rights.
    case qaRead = "qa.read"
    /// See one's own scored contacts and findings, and appeal once (R2.10).
    case qaOwn = "qa.own"
    /// The QC inspector's review queue: confirm or reject findings, add manual ones (R2.10).
    case qaReview = "qa.review"
    /// Per-agent monthly appraisal tables fed by QC results (R2.10: results go to the team lead).
    case qaAppraisal = "qa.appraisal"
    /// Edit the lexicon (规范用语/服务忌语), the scorecard and greeting days.
    case qaAdmin = "qa.admin"
    /// Read forecasts, staffing, rosters and the five tables (R4.3).
    case workforceRead = "workforce.read"
    /// Import traffic, run forecasts, edit shift templates and rosters (R4.1–R4.4).
    case workforcePlan = "workforce.plan"
    /// Approve or reject shift swaps both agents agreed to (R4.5: the lead decides).
    case workforceApprove = "workforce.approve"
    /// See one's own roster and ask for or answer shift swaps.
    case workforceOwn = "workforce.own"
    /// Read the archive read register (查阅登记, R5.5): who opened which customer's archive, and
    /// whose reading is out of proportion to their work.
    case archiveAudit = "customer.archive_audit"
    /// Approve or reject a change of a special customer's registered data (R5.3, R5.4).
    case customerChangeApprove = "customer.change_approve"
    /// Set how customers are tiered by value, import the monthly figures and run the
    /// re-tiering (R5.2): what decides who reaches VIP agents first.
    case customerTiering = "customer.tiering"
    /// Keep the directory of numbers never given out (R5.6): only admins read it in full.
    case protectedNumbers = "confidential.protected_numbers"
    /// Keep the special-customers list (R5.3): entries, reviews, follow-up visits, services.
    case specialCustomers = "customer.special"
    /// Read the whole special-customers list: the front line, who serve them (a liaison knows
    /// only the customers of their department's orders, so not the list).
    case specialCustomerList = "customer.special_list"
    /// Keep and pick canned replies (R6.3): the agents who chat, their own; the knowledge
    /// editor and the leads also the center's shared ones (`CannedReply.mayKeepShared`).
    case cannedReplies = "knowledge.canned_replies"
    /// Write and publish knowledge articles (R6.1): the knowledge editor; the admin may stand in.
    case knowledgeEdit = "knowledge.edit"
    /// Send the knowledge editor new knowledge or a correction (R6.1): the department liaisons
    /// who own the knowledge and everyone who answers customers and meets what is wrong.
    case knowledgeSubmit = "knowledge.submit"
    /// Write up a case for the case library (R6.2): `KnowledgeCase.mayWrite`.
    case caseWrite = "knowledge.case_write"
    /// Approve leave, enter and correct punches, read everyone's attendance (R9.2): the leads.
    case attendanceManage = "attendance.manage"
    /// Read the center's period reports and KPIs (R10.1, R10.2): the leads, QC, planners and
    /// the admin; the front line sees its own daily figures instead (R10.3).
    case reportsRead = "reports.read"
    /// Run a hall's queue (R3.6): hand out tickets (the kiosk or tablet is signed in as a
    /// counter), call, recall, transfer and finish them, and show the hall display.
    case counterServe = "counter.serve"
    /// Book a visit on an order, record the customer's reconfirmation, cancel it, and read the
    /// visits (R8.1): the front line, who talk to the customer.
    case visitBook = "visit.book"
    /// Go on one's own visits: on the way, late, nobody home, completion (R8.1, R8.2). Which
    /// visit is whose is `VisitRules.mayAct`.
    case visitServe = "visit.serve"
    /// Keep the technicians' skills, areas and working hours, which the free slots come from.
    case visitPlan = "visit.plan"
    /// Design outbound campaigns (purpose, questionnaire, script, hours, tries, agents, the
    /// retention offers) and load their target lists (R7.1–R7.3): 外呼话务员 design the
    /// questionnaires (seed 002); the leads plan with them.
    case outboundPlan = "outbound.plan"
    /// Call a campaign's targets and record outcomes and answers; which campaigns is
    /// `OutboundRules.mayCall` (the agents assigned).
    case outboundCall = "outbound.call"

    /// Roles that hold this permission.
    public var roles: Set<Role> {
        let frontLine: Set<Role> = [.agent, .vipAgent, .outboundAgent, .teamLead, .shiftLead, .complaintHandler, .admin]
        switch self {
        case .signedIn:
            return Set(Role.allCases)
        case .workOrderRead:
            // Which orders each may read is OrderVisibility's business (a liaison: their department's).
            return frontLine.union([.liaison])
        case .workOrderWrite, .workOrderTransfer, .workOrderClose:
            return frontLine
        case .callbackWrite:
            return frontLine
        case .supervisionRead:
            return [.liaison, .shiftLead, .teamLead, .complaintHandler, .admin, .agent, .vipAgent, .outboundAgent]
        case .receiptWrite:
            return [.liaison, .complaintHandler, .shiftLead, .admin]
        case .customerRead:
            // QC scores transcripts, which carry no customer; a liaison reads only the
            // customers of orders OrderVisibility shows them.
            return frontLine.union([.liaison])
        case .customerWrite, .specialCustomerList:
            return frontLine
        case .shiftBoard:
            return [.shiftLead, .teamLead, .admin]
        case .adminUsers, .adminSettings, .clockAdvance:
            return [.admin]
        case .qaCheck:
            return frontLine.union([.qcInspector, .knowledgeEditor])
        case .chatServe:
            return frontLine
        case .cannedReplies:
            return frontLine.union([.knowledgeEditor])
        case .knowledgeEdit:
            return [.knowledgeEditor, .admin]
        case .knowledgeSubmit:
            return frontLine.union([.liaison, .knowledgeEditor])
        case .caseWrite:
            return [.knowledgeEditor, .teamLead, .shiftLead, .complaintHandler, .admin]
        case .reportsRead:
            return [.teamLead, .shiftLead, .qcInspector, .planner, .admin]
        case .counterServe:
            return [.counterClerk, .admin]
        case .visitBook:
            return frontLine
        case .visitServe:
            return [.technician, .admin]
        case .visitPlan:
            return [.shiftLead, .teamLead, .admin]
        case .outboundPlan:
            return [.outboundAgent, .teamLead, .shiftLead, .admin]
        case .outboundCall:
            return frontLine
        case .attendanceManage:
            return [.teamLead, .shiftLead, .admin]
        case .contactImport:
            return [.qcInspector, .teamLead, .shiftLead, .admin]
        case .qaRead:
            return frontLine.union([.qcInspector])
        case .qaOwn:
            return frontLine
        case .qaReview:
            return [.qcInspector, .teamLead, .admin]
        case .qaAppraisal:
            return [.qcInspector, .teamLead, .shiftLead, .admin]
        case .qaAdmin:
            return [.qcInspector, .knowledgeEditor, .admin]
        case .workforceRead:
            return [.planner, .shiftLead, .teamLead, .admin]
        case .workforcePlan:
            return [.planner, .shiftLead, .admin]
        case .workforceApprove:
            return [.shiftLead, .teamLead, .admin]
        case .workforceOwn:
            return frontLine.union([.qcInspector, .knowledgeEditor, .planner])
        case .customerChangeApprove, .specialCustomers:
            return [.teamLead, .shiftLead, .admin]
        case .customerTiering, .protectedNumbers:
            return [.admin]
        case .archiveAudit:
            // Those who supervise agents' conduct, not the readers themselves.
            return [.qcInspector, .admin]
        }
    }

    public func isGranted(to role: Role) -> Bool { roles.contains(role) }
}
