import Foundation

/// Why one CTI event was refused.
///
/// The switch integrator reading the API answer may read either language, and
/// the message must say exactly which field to fix; `code` is for programs.
public enum CTIEventRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The request body is not JSON at all, so no element could be looked at.
    case malformedJSON
    /// The body or element is JSON but not an event object.
    case notAnObject
    /// A required field is absent, null or blank.
    case missingField(String)
    /// A field is present with the wrong JSON type (e.g. a number for `id`).
    case wrongFieldType(String)
    case unknownType(String)
    /// `at` could not be read as an ISO 8601 instant.
    case badTimestamp(String)
    /// `at` is a local wall-clock time without `Z` or `±hh:mm`: without it the
    /// instant is ambiguous by up to a day, which would corrupt waits and "today".
    case missingOffset(String)
    /// A contact event without `callId`.
    case missingCallId(type: String)
    /// An agent event (or an offer) without `agentWorkId`.
    case missingAgentWorkId(type: String)
    /// `enqueued` without `queue`.
    case missingQueue(type: String)

    /// Stable machine-readable code for the API answer.
    public var code: String {
        switch self {
        case .malformedJSON: return "malformed_json"
        case .notAnObject: return "not_an_object"
        case .missingField: return "missing_field"
        case .wrongFieldType: return "wrong_field_type"
        case .unknownType: return "unknown_type"
        case .badTimestamp: return "bad_timestamp"
        case .missingOffset: return "timestamp_without_offset"
        case .missingCallId: return "missing_call_id"
        case .missingAgentWorkId: return "missing_agent_work_id"
        case .missingQueue: return "missing_queue"
        }
    }

    /// "中文 / English", one line.
    public var message: String {
        switch self {
        case .malformedJSON:
            return "请求体不是合法的 JSON / request body is not valid JSON"
        case .notAnObject:
            return "事件必须是 JSON 对象 / an event must be a JSON object"
        case .missingField(let field):
            return "缺少字段 \(field) / missing field \"\(field)\""
        case .wrongFieldType(let field):
            return "字段 \(field) 必须是字符串 / field \"\(field)\" must be a string"
        case .unknownType(let type):
            return "未知事件类型 \(type)，可用：\(CTIEventType.allRawValues.joined(separator: ", ")) / unknown event type \"\(type)\""
        case .badTimestamp(let text):
            return "时间 \(text) 不是 ISO 8601 格式（如 2026-06-03T09:15:00+08:00） / \"at\" is not an ISO 8601 timestamp: \"\(text)\""
        case .missingOffset(let text):
            return "时间 \(text) 缺少时区偏移（需 Z 或 +08:00） / \"at\" needs a UTC offset (Z or +08:00): \"\(text)\""
        case .missingCallId(let type):
            return "话务事件 \(type) 缺少 callId / contact event \"\(type)\" needs \"callId\""
        case .missingAgentWorkId(let type):
            return "事件 \(type) 缺少坐席工号 agentWorkId / event \"\(type)\" needs \"agentWorkId\""
        case .missingQueue(let type):
            return "事件 \(type) 缺少队列 queue / event \"\(type)\" needs \"queue\""
        }
    }

    public var description: String { message }
}
