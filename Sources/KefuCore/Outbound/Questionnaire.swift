import Foundation

/// A campaign's questionnaire (调查问卷, R7.1): single and multiple choice, a 1–5 rating, NPS
/// 0–10 and free text, with skip logic (a choice may jump ahead or end the survey). What the
/// agent must ask follows from the answers given, so "required" means required on the path
/// the customer took.
public enum QuestionKind: String, Sendable, Codable, CaseIterable {
    case single, multiple, rating, nps, text

    public var label: String {
        switch self {
        case .single: "单选"
        case .multiple: "多选"
        case .rating: "评分 1–5"
        case .nps: "推荐度 0–10"
        case .text: "文字"
        }
    }
}

public struct Question: Sendable, Equatable, Codable {
    /// Short and stable (q1, q2 …): answers and skips refer to it.
    public var id: String
    public var text: String
    public var kind: QuestionKind
    public var options: [String]
    public var required: Bool
    /// Single choice only: option text → the question to go to next, or `Question.end`.
    public var skip: [String: String]

    public static let end = "end"

    public init(id: String, text: String, kind: QuestionKind, options: [String] = [], required: Bool = true, skip: [String: String] = [:]) {
        self.id = id; self.text = text; self.kind = kind; self.options = options; self.required = required; self.skip = skip
    }
}

/// One answer as given: choices for choice questions, a number for rating and NPS, text.
public enum Answer: Sendable, Equatable {
    case choices([String])
    case number(Int)
    case text(String)
}

public struct Questionnaire: Sendable, Equatable, Codable {
    public var questions: [Question]

    public init(questions: [Question]) { self.questions = questions }

    public static let maxQuestions = 50

    /// Why the questionnaire as designed is refused: ids unique and short, texts present,
    /// choices with two or more distinct options, skips only forward to a known question.
    public func problems() -> [FieldProblem] {
        var out: [FieldProblem] = []
        func add(_ i: Int, _ m: String) { out.append(FieldProblem(field: "questions[\(i)]", message: "第 \(i + 1) 题：\(m)")) }
        if questions.count > Self.maxQuestions { out.append(FieldProblem(field: "questions", message: "问卷至多 \(Self.maxQuestions) 题")) }
        var seen: [String: Int] = [:]
        for (i, q) in questions.enumerated() {
            if q.id.isEmpty || q.id.count > 20 || q.id == Question.end || q.id.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) }) {
                add(i, "编号须为 1–20 个字母、数字或下划线（不能是 end）")
            } else if seen[q.id] != nil {
                add(i, "编号 \(q.id) 重复")
            }
            seen[q.id] = i
            if let p = Validation.checkLine(q.text, field: "text", label: "题目", max: 300) { add(i, p.message) }
            let choice = q.kind == .single || q.kind == .multiple
            if choice {
                if q.options.count < 2 || Set(q.options).count != q.options.count || q.options.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.count > 100 }) {
                    add(i, "选择题至少两个互不相同的选项，每项不超过 100 字")
                }
            } else if !q.options.isEmpty {
                add(i, "\(q.kind.label)题没有选项")
            }
            if !q.skip.isEmpty && q.kind != .single { add(i, "只有单选题可以设置跳题") }
        }
        for (i, q) in questions.enumerated() where q.kind == .single {
            for (option, target) in q.skip.sorted(by: { $0.key < $1.key }) {
                if !q.options.contains(option) { add(i, "跳题的选项「\(option)」不存在") }
                if target != Question.end, (seen[target] ?? -1) <= i { add(i, "跳题只能跳到后面的题目或结束（\(target)）") }
            }
        }
        if questions.isEmpty { out.append(FieldProblem(field: "questions", message: "问卷至少一题")) }
        return out
    }

    /// The questions asked, in order, given the answers so far (skips followed).
    public func path(_ answers: [String: Answer]) -> [Question] {
        var out: [Question] = []
        var i = 0
        while i < questions.count {
            let q = questions[i]
            out.append(q)
            if q.kind == .single, case .choices(let c)? = answers[q.id], let chosen = c.first, let target = q.skip[chosen] {
                if target == Question.end { break }
                guard let j = questions.firstIndex(where: { $0.id == target }), j > i else { break }
                i = j
            } else {
                i += 1
            }
        }
        return out
    }

    /// Why the answers of a completed survey are refused: every required question on the
    /// path answered, each answer of its question's kind, and nothing answered off the path.
    public func answerProblems(_ answers: [String: Answer]) -> [FieldProblem] {
        var out: [FieldProblem] = []
        let asked = path(answers)
        let askedIDs = Set(asked.map(\.id))
        for q in asked {
            let field = "answers.\(q.id)"
            guard let a = answers[q.id] else {
                if q.required { out.append(FieldProblem(field: field, message: "「\(q.text)」未作答")) }
                continue
            }
            switch (q.kind, a) {
            case (.single, .choices(let c)):
                if c.count != 1 || !q.options.contains(c[0]) { out.append(FieldProblem(field: field, message: "「\(q.text)」须从选项中选一项")) }
            case (.multiple, .choices(let c)):
                if c.isEmpty && q.required || Set(c).count != c.count || !c.allSatisfy(q.options.contains) {
                    out.append(FieldProblem(field: field, message: "「\(q.text)」须从选项中选择（可多选）"))
                }
            case (.rating, .number(let n)):
                if !(1...5).contains(n) { out.append(FieldProblem(field: field, message: "「\(q.text)」评分为 1–5")) }
            case (.nps, .number(let n)):
                if !(0...10).contains(n) { out.append(FieldProblem(field: field, message: "「\(q.text)」推荐度为 0–10")) }
            case (.text, .text(let t)):
                if let p = Validation.checkText(t, field: field, label: "「\(q.text)」的回答", max: 1000, required: q.required) { out.append(p) }
            default:
                out.append(FieldProblem(field: field, message: "「\(q.text)」的回答类型不对（\(q.kind.label)）"))
            }
        }
        for id in answers.keys.sorted() where !askedIDs.contains(id) {
            out.append(FieldProblem(field: "answers.\(id)", message: questions.contains { $0.id == id } ? "按跳题规则，\(id) 不应作答" : "没有题目 \(id)"))
        }
        return out
    }
}

/// The answers to one question across a campaign: counts per option, the average rating, the
/// NPS (promoters 9–10 minus detractors 0–6, in points), and the free-text verbatims.
public struct QuestionResult: Sendable, Equatable {
    public var question: Question
    public var answered = 0
    public var counts: [String: Int] = [:]
    public var sum = 0
    public var promoters = 0
    public var detractors = 0
    public var verbatims: [String] = []

    public init(question: Question) { self.question = question }

    public mutating func add(_ a: Answer) {
        answered += 1
        switch a {
        case .choices(let c): for o in c { counts[o, default: 0] += 1 }
        case .number(let n):
            sum += n
            counts[String(n), default: 0] += 1
            if question.kind == .nps { if n >= 9 { promoters += 1 } else if n <= 6 { detractors += 1 } }
        case .text(let t): if !t.isEmpty { verbatims.append(t) }
        }
    }

    public var average: Double? { answered == 0 || !(question.kind == .rating || question.kind == .nps) ? nil : Double(sum) / Double(answered) }

    /// NPS in points (−100…100), nil when nobody answered or not an NPS question.
    public var nps: Int? {
        guard question.kind == .nps, answered > 0 else { return nil }
        return Int((Double(promoters - detractors) / Double(answered) * 100).rounded())
    }
}

/// The questionnaire as the campaign form writes it, one question per line:
/// `编号 | 类型 | 题目 | 选项1; 选项2>q4; 选项3>end | 选填`. Types: 单选 多选 评分 推荐 文字
/// (or single, multiple, rating, nps, text); `选项>编号` jumps to that question, `>end`
/// ends the survey; the last part `选填` makes the question optional.
public enum QuestionnaireText {
    static let kinds: [String: QuestionKind] = [
        "单选": .single, "多选": .multiple, "评分": .rating, "推荐": .nps, "推荐度": .nps, "文字": .text, "文本": .text,
        "single": .single, "multiple": .multiple, "rating": .rating, "nps": .nps, "text": .text,
    ]

    public static func parse(_ text: String) -> (questionnaire: Questionnaire, problems: [FieldProblem]) {
        var questions: [Question] = []
        var problems: [FieldProblem] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (n, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count >= 3, let kind = kinds[parts[1].lowercased()] else {
                problems.append(FieldProblem(field: "questions", message: "第 \(n + 1) 行应写作：编号 | 类型（单选/多选/评分/推荐/文字） | 题目 | 选项; 选项"))
                continue
            }
            var options: [String] = []
            var skip: [String: String] = [:]
            if parts.count >= 4 && !parts[3].isEmpty && kind != .rating && kind != .nps && kind != .text {
                for item in parts[3].split(whereSeparator: { $0 == ";" || $0 == "；" }) {
                    let pieces = item.split(separator: ">", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard let option = pieces.first, !option.isEmpty else { continue }
                    options.append(option)
                    if pieces.count == 2 { skip[option] = pieces[1] }
                }
            }
            let optional = parts.count >= 5 && ["选填", "optional", "可选"].contains(parts[4].lowercased())
            questions.append(Question(id: parts[0], text: parts[2], kind: kind, options: options, required: !optional, skip: skip))
        }
        return (Questionnaire(questions: questions), problems)
    }

    public static func format(_ q: Questionnaire) -> String {
        q.questions.map { question in
            let kind = ["单选", "多选", "评分", "推荐", "文字"][QuestionKind.allCases.firstIndex(of: question.kind) ?? 0]
            let options = question.options.map { o in question.skip[o].map { "\(o)>\($0)" } ?? o }.joined(separator: "; ")
            var parts = [question.id, kind, question.text]
            if !options.isEmpty || !question.required { parts.append(options) }
            if !question.required { parts.append("选填") }
            return parts.joined(separator: " | ")
        }.joined(separator: "\n")
    }
}
