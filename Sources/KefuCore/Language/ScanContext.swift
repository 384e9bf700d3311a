import Foundation

/// Cue words for the structural rules, folded once per engine.
struct Cues: Sendable {
    let dailyGreeting: [[UInt32]]
    let newYearGreeting: [[UInt32]]
    let festivalGreeting: [[UInt32]]
    let service: [[UInt32]]
    let closingRequired: [[UInt32]]
    let newYearWish: [[UInt32]]
    let festivalWish: [[UInt32]]
    let holdNotice: [[UInt32]]
    let thanksForWaiting: [[UInt32]]
    let customerThanks: [[UInt32]]
    let thanksReply: [[UInt32]]
    let endCallAnnounced: [[UInt32]]
    let interjections: Set<UInt32>
    let particles: Set<UInt32>

    init(lexicon: Lexicon, company: String, folder: TextFolder) {
        func f(_ words: [String]) -> [[UInt32]] {
            words.map { folder.fold($0).scalars }.filter { !$0.isEmpty }
        }
        func texts(_ kind: StandardPhraseKind) -> [String] {
            lexicon.standard(kind).filter { !$0.contains("{") }
        }
        dailyGreeting = f(["您好", "你好"])
        newYearGreeting = f(["新年好", "春节好", "过年好"])
        festivalGreeting = f(["节日好"])
        service = f(["为您服务", "为你服务"] + (company.isEmpty ? [] : [company]))
        closingRequired = f(["评价", "再见"])
        newYearWish = f(["新年愉快", "春节愉快", "新年快乐", "春节快乐"])
        festivalWish = f(["节日愉快", "节日快乐"])
        holdNotice = f(["稍等", "稍候", "不要挂机", "请您等一下", "请等一下"] + texts(.holdNotice))
        thanksForWaiting = f(["耐心等待", "久等", "感谢您的等待", "谢谢您的等待", "感谢您的耐心", "谢谢您的耐心"] + texts(.thanksForWaiting))
        customerThanks = f(["谢谢", "感谢", "多谢", "谢了", "辛苦了", "辛苦你", "辛苦您", "表扬", "真棒", "太棒了",
                            "服务很好", "服务真好", "态度很好", "态度真好", "你真好", "您真好", "很专业", "真专业"])
        thanksReply = f(["不客气", "应该做的", "应该的", "不用谢", "不用客气", "别客气", "过奖", "谢谢您的夸奖",
                         "谢谢您的认可", "谢谢您的肯定", "谢谢您的表扬"] + texts(.thanksReply))
        endCallAnnounced = f(["结束本次通话", "再次致电", "换一部电话", "再次联系我们"])
        interjections = Set(f(["嗯", "哦", "噢", "啊", "唉", "哎", "呃", "额", "诶", "欸"]).flatMap { $0 })
        particles = Set(f(["啊", "呀", "吧", "呢", "嘛", "哦", "噢", "哈", "啦", "哇", "诶"]).flatMap { $0 })
    }
}

/// Per-transcript view: folded utterances, who spoke when, and the holds.
struct ScanContext {
    struct Hold { var startIndex: Int; var endIndex: Int; var startTime: Double; var endTime: Double }

    let segments: [TranscriptSegment]
    /// Folded text of every segment ([] for events).
    let folded: [[UInt32]]
    let agentUtterances: [Int]
    let customerUtterances: [Int]
    let holds: [Hold]

    init(segments: [TranscriptSegment], folder: TextFolder) {
        self.segments = segments
        folded = segments.map { $0.text.map { folder.fold($0).scalars } ?? [] }
        var agent: [Int] = []
        var customer: [Int] = []
        for (index, segment) in segments.enumerated() where !(folded[index].isEmpty) {
            if segment.speaker == "agent" { agent.append(index) }
            if segment.speaker == "customer" { customer.append(index) }
        }
        agentUtterances = agent
        customerUtterances = customer
        var holds: [Hold] = []
        var open: (index: Int, time: Double)? = nil
        for (index, segment) in segments.enumerated() {
            switch segment.event {
            case "hold_start":
                if open == nil { open = (index, segment.start) }
            case "hold_end":
                if let started = open {
                    holds.append(Hold(startIndex: started.index, endIndex: index, startTime: started.time, endTime: segment.start))
                    open = nil
                }
            case "hangup":
                if let started = open {
                    holds.append(Hold(startIndex: started.index, endIndex: index, startTime: started.time, endTime: segment.start))
                    open = nil
                }
            default:
                break
            }
        }
        if let started = open {
            let end = segments.map(\.end).max() ?? started.time
            holds.append(Hold(startIndex: started.index, endIndex: segments.count, startTime: started.time, endTime: end))
        }
        self.holds = holds
    }

    /// A finding about a whole utterance.
    func finding(_ rule: QARule, _ index: Int, suggestion: String?) -> Finding {
        let text = segments[index].text ?? ""
        return Finding(rule: rule.rawValue, segment: index, text: text, start: 0, end: text.unicodeScalars.count, suggestion: suggestion)
    }

    /// A finding about a system event (hold, hangup): no text.
    func eventFinding(_ rule: QARule, _ index: Int, suggestion: String?) -> Finding {
        Finding(rule: rule.rawValue, segment: min(index, max(0, segments.count - 1)), text: "", start: 0, end: 0, suggestion: suggestion)
    }
}

extension Array where Element == UInt32 {
    /// Naive substring test; utterances and cues are short.
    func containsRun(_ needle: [UInt32]) -> Bool {
        if needle.isEmpty { return true }
        if needle.count > count { return false }
        let first = needle[0]
        var index = 0
        let last = count - needle.count
        while index <= last {
            if self[index] == first {
                var k = 1
                while k < needle.count, self[index + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}
