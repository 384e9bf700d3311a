import Foundation

/// The case library (R6.2, 003 2.2 典型案例): what went wrong, why, which department
/// answers for it and what the center learned, kept with photos and linked to the work
/// orders that produced it, so the next agent who meets the problem finds it.
public enum KnowledgeCase {
    public static let maxTitle = 100
    public static let maxText = 5_000
    public static let maxPhotos = 12

    /// Those who see cases through to the end write them up: the knowledge editor, the
    /// leads and the complaint handlers; the admin may stand in.
    public static func mayWrite(_ role: Role) -> Bool { Permission.caseWrite.isGranted(to: role) }

    /// What is wrong with a case as typed: field → message.
    public static func problems(title: String, problem: String, cause: String, lesson: String) -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        let t = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty || t.count > maxTitle { out.append(("title", "标题须为 1–\(maxTitle) 个字")) }
        if problem.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append(("problem", "请写明问题经过")) }
        for (field, label, text) in [("problem", "问题经过", problem), ("cause", "原因", cause), ("lesson", "经验教训", lesson)] where text.count > maxText {
            out.append((field, "\(label)不超过 \(maxText) 字"))
        }
        if lesson.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append(("lesson", "请写明经验教训（下次怎么做）")) }
        return out
    }
}

/// What a department liaison (or anyone who answers customers) sends the knowledge
/// editor (R6.1): new knowledge, or a correction of an article.
public enum KnowledgeSubmission {
    public static let maxTitle = 100
    public static let maxText = 5_000
    public static let maxReply = 500

    public static func problems(kind: KnowledgeArticle.SubmissionKind, title: String, text: String, hasArticle: Bool) -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        let t = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty || t.count > maxTitle { out.append(("title", "标题须为 1–\(maxTitle) 个字")) }
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.isEmpty || body.count > maxText { out.append(("text", "内容须为 1–\(maxText) 个字")) }
        if kind == .correction && !hasArticle { out.append(("article", "纠错须指明要更正的文章")) }
        return out
    }

    /// Rejecting says why: the liaison who took the trouble is owed an answer.
    public static func replyProblem(accept: Bool, reply: String) -> String? {
        let r = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        if r.count > maxReply { return "答复不超过 \(maxReply) 字" }
        if !accept && r.isEmpty { return "不采纳时请写明原因" }
        return nil
    }
}
