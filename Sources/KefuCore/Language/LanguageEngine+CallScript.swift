import Foundation

/// The call-script rules (phone contacts only): opening, closing, holds, courtesy,
/// read-back verification and who hung up first (R2.1–R2.4, R2.9).
extension LanguageEngine {

    func openingFindings(_ context: ScanContext, day: LocalDay?) -> [Finding] {
        let suggestion = day.map { openingPhrase(on: $0) } ?? fill(template(.opening))
        guard let first = context.agentUtterances.first else {
            return [Finding(rule: QARule.openingMissing.rawValue, segment: 0, text: "", start: 0, end: 0, suggestion: suggestion)]
        }
        let folded = context.folded[first]
        let greeting: GreetingKind?
        if cues.newYearGreeting.contains(where: { folded.containsRun($0) }) {
            greeting = .newYear
        } else if cues.festivalGreeting.contains(where: { folded.containsRun($0) }) {
            greeting = .festival
        } else if cues.dailyGreeting.contains(where: { folded.containsRun($0) }) {
            greeting = .daily
        } else {
            greeting = nil
        }
        let hasService = cues.service.contains(where: { folded.containsRun($0) })
        let segments = context.segments
        let interrupted = first + 1 < segments.count && segments[first + 1].speaker == "customer"
            && segments[first + 1].start < segments[first].end
        guard let greeting, hasService || interrupted else {
            return [context.finding(.openingMissing, first, suggestion: suggestion)]
        }
        if let day, greeting != calendar.greeting(on: day) {
            return [context.finding(.openingHoliday, first, suggestion: suggestion)]
        }
        return []
    }

    func closingFindings(_ context: ScanContext, day: LocalDay?) -> [Finding] {
        let suggestion = day.map { closingPhrase(on: $0) } ?? fill(template(.closing))
        guard let last = context.agentUtterances.last else {
            return [Finding(rule: QARule.closingMissing.rawValue, segment: 0, text: "", start: 0, end: 0, suggestion: suggestion)]
        }
        let tail = context.agentUtterances.suffix(2).flatMap { context.folded[$0] }
        let hasClosing = cues.closingRequired.allSatisfy { tail.containsRun($0) }
        guard hasClosing else { return [context.finding(.closingMissing, last, suggestion: suggestion)] }
        let kind: GreetingKind
        if cues.newYearWish.contains(where: { tail.containsRun($0) }) {
            kind = .newYear
        } else if cues.festivalWish.contains(where: { tail.containsRun($0) }) {
            kind = .festival
        } else {
            kind = .daily
        }
        if let day, kind != calendar.greeting(on: day) {
            return [context.finding(.closingHoliday, last, suggestion: suggestion)]
        }
        return []
    }

    func holdFindings(_ context: ScanContext) -> [Finding] {
        var findings: [Finding] = []
        let holdNotice = template(.holdNotice)
        let thanks = template(.thanksForWaiting)
        let reminder = template(.waitReminder)
        for hold in context.holds {
            let duration = hold.endTime - hold.startTime
            if duration >= 5 {
                let before = context.agentUtterances.last(where: { $0 < hold.startIndex })
                if let before, cues.holdNotice.contains(where: { context.folded[before].containsRun($0) }) {
                    // announced
                } else if let before {
                    findings.append(context.finding(.holdNoNotice, before, suggestion: holdNotice))
                } else {
                    findings.append(context.eventFinding(.holdNoNotice, hold.startIndex, suggestion: holdNotice))
                }
                if let after = context.agentUtterances.first(where: { $0 > hold.endIndex }),
                   !cues.thanksForWaiting.contains(where: { context.folded[after].containsRun($0) }) {
                    findings.append(context.finding(.holdNoThanks, after, suggestion: thanks))
                }
            }
            if duration > 30 {
                findings.append(context.eventFinding(.holdTooLong, hold.startIndex, suggestion: nil))
            }
            if duration > 60 {
                let reminded = context.agentUtterances.contains { index in
                    let start = context.segments[index].start
                    return start > hold.startTime && start < hold.endTime
                }
                if !reminded {
                    findings.append(context.eventFinding(.waitNoReminder, hold.startIndex, suggestion: reminder))
                }
            }
        }
        return findings
    }

    func courtesyFindings(_ context: ScanContext) -> [Finding] {
        var findings: [Finding] = []
        let reply = template(.thanksReply)
        for index in context.customerUtterances
        where cues.customerThanks.contains(where: { context.folded[index].containsRun($0) }) {
            guard let next = context.agentUtterances.first(where: { $0 > index }) else { continue }
            if !cues.thanksReply.contains(where: { context.folded[next].containsRun($0) }) {
                findings.append(context.finding(.courtesyThanksUnanswered, next, suggestion: reply))
            }
        }
        return findings
    }

    func verifyFindings(_ context: ScanContext) -> [Finding] {
        var findings: [Finding] = []
        let verify = template(.verify)
        for index in context.customerUtterances {
            let numbers = Self.numbers(in: context.folded[index])
            if numbers.isEmpty { continue }
            guard let next = context.agentUtterances.first(where: { $0 > index }) else { continue }
            let reply = context.folded[next]
            if numbers.contains(where: { !reply.containsRun($0) }) {
                findings.append(context.finding(.verifyMissing, next, suggestion: verify))
            }
        }
        return findings
    }

    /// Card/order/member numbers: runs of ≥ 6 ASCII letters/digits with at
    /// least one digit, in folded text (so spaces, dashes and full-width forms
    /// are already normalised and letters lower-cased).
    static func numbers(in folded: [UInt32]) -> [[UInt32]] {
        var out: [[UInt32]] = []
        var run: [UInt32] = []
        func flush() {
            if run.count >= 6, run.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) { out.append(run) }
            run.removeAll(keepingCapacity: true)
        }
        for value in folded {
            if (value >= 0x30 && value <= 0x39) || (value >= 0x61 && value <= 0x7A) {
                run.append(value)
            } else {
                flush()
            }
        }
        flush()
        return out
    }

    func hangupFindings(_ context: ScanContext) -> [Finding] {
        guard let index = context.segments.firstIndex(where: { $0.event == "hangup" }),
              context.segments[index].by == "agent" else { return [] }
        let excused = context.agentUtterances.contains { utterance in
            utterance < index && cues.endCallAnnounced.contains(where: { context.folded[utterance].containsRun($0) })
        }
        return excused ? [] : [context.eventFinding(.callAgentHungUpFirst, index, suggestion: nil)]
    }
}
