/// First-response and resolution targets for one type and priority (R1.4). Rows of this
/// shape are what the administrator edits; `defaults` is what a new center starts with.
public struct SLAPolicy: Sendable, Equatable, Codable {
    public var type: WorkOrderType
    public var priority: Priority
    public var firstResponseSeconds: Int
    public var resolutionSeconds: Int
    public var calendar: ServiceCalendar.Kind

    public init(type: WorkOrderType, priority: Priority, firstResponseSeconds: Int, resolutionSeconds: Int, calendar: ServiceCalendar.Kind) {
        self.type = type; self.priority = priority
        self.firstResponseSeconds = firstResponseSeconds; self.resolutionSeconds = resolutionSeconds
        self.calendar = calendar
    }

    /// What a sensible hotline sets when nobody has configured anything:
    /// complaints resolved within 48 h round the clock (002 篇4/篇5); faults within 24 h;
    /// consultations and queries answered the same day; suggestions and business requests
    /// within working days, because back offices work office hours. Higher priority
    /// shortens every target, lower lengthens it.
    public static func defaultPolicy(type: WorkOrderType, priority: Priority) -> SLAPolicy {
        let hour = 3600
        let (first, resolution, calendar): (Int, Int, ServiceCalendar.Kind) = switch type {
        case .complaint: (2 * hour, 48 * hour, .allDay)
        case .fault: (1 * hour, 24 * hour, .allDay)
        case .consultation: (hour / 2, 8 * hour, .allDay)
        case .query: (hour / 2, 24 * hour, .allDay)
        case .business: (2 * hour, 3 * 9 * hour, .workingDays)   // 3 working days of 9 h
        case .suggestion: (4 * hour, 5 * 9 * hour, .workingDays) // 5 working days
        }
        let factor: Double = switch priority {
        case .urgent: 0.25
        case .high: 0.5
        case .normal: 1
        case .low: 1.5
        }
        return SLAPolicy(type: type, priority: priority,
                         firstResponseSeconds: Int(Double(first) * factor),
                         resolutionSeconds: Int(Double(resolution) * factor),
                         calendar: calendar)
    }

    public static var defaults: [SLAPolicy] {
        WorkOrderType.allCases.flatMap { t in Priority.allCases.map { defaultPolicy(type: t, priority: $0) } }
    }
}
