import Vapor
import Foundation
import KefuCore

/// `kefu qa scan FILE.jsonl [--company NAME] [--format jsonl|csv|table] [--lexicon FILE]` (offline, no database),
/// `kefu qa import FILE.jsonl [--company CODE] [--branch CODE]` (stored and scored for one branch)
struct QACommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["scan": QAScanCommand(), "import": QAImportCommand()] }
    var help: String { "Language quality inspection" }
}

/// Scores a file of transcripts (shared/formats/transcript.md) offline, with no database:
/// one result line per contact on stdout, malformed lines reported on stderr with their
/// line number and skipped (exit status 2 if there were any), a progress bar for long files.
struct QAScanCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Transcripts, one JSON object per line (- for standard input)") var file: String
        @Option(name: "company", help: "Company name in the opening phrase (default: KEFU_COMPANY)") var company: String?
        @Option(name: "format", help: "jsonl (default), csv or table") var format: String?
        @Option(name: "lexicon", help: "A lexicon JSON file instead of the shipped default") var lexicon: String?
    }
    var help: String { "Score transcripts against the language rules" }

    enum Format: String { case jsonl, csv, table }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let format = Format(rawValue: signature.format ?? "jsonl") else {
            Self.fail("unknown --format \(signature.format ?? ""): use jsonl, csv or table")
        }
        var lexicon = Lexicon.shippedDefault
        if let path = signature.lexicon {
            guard let data = FileManager.default.contents(atPath: path) else { Self.fail("cannot read lexicon \(path)") }
            do { lexicon = try Lexicon.decode(data) } catch let e as LexiconError {
                Self.fail("lexicon \(path): \(e.reason)")
            } catch { Self.fail("lexicon \(path): not a lexicon JSON file (\(error))") }
        }
        let settings = app.kefu.settings
        let engine = LanguageEngine(lexicon: lexicon, company: signature.company ?? settings.companyName)
        let input: FileHandle
        var total: UInt64 = 0
        if signature.file == "-" {
            input = .standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: signature.file) else { Self.fail("cannot open \(signature.file)") }
            input = h
            total = (try? FileManager.default.attributesOfItem(atPath: signature.file)[.size] as? UInt64) ?? 0
        }
        let out = OutputBuffer()
        switch format {
        case .csv: out.write("id,score,findings,rules\n")
        case .table: out.write(Self.pad("id", 28) + "  score  findings\n")
        case .jsonl: break
        }
        let progress = ProgressBar(total: total, enabled: total > 1_000_000)
        var bad = 0, scanned = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        try LineReader(handle: input).forEach { number, line, bytesRead in
            progress.update(bytesRead, contacts: scanned)
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { return }
            let transcript: Transcript
            do { transcript = try Transcript.parse(jsonLine: Substring(line)) } catch {
                bad += 1
                progress.clear()
                FileHandle.standardError.write(Data("line \(number): \(error)\n".utf8))
                return
            }
            let result = engine.scan(transcript, timeZone: settings.timeZone)
            scanned += 1
            switch format {
            case .jsonl:
                out.write(String(decoding: (try? encoder.encode(ScanLine(result))) ?? Data(), as: UTF8.self) + "\n")
            case .csv:
                let rules = result.findings.map(\.rule).joined(separator: ";")
                out.write([result.id, String(result.score), String(result.findings.count), rules].map(CSVDownload.field).joined(separator: ",") + "\n")
            case .table:
                let rules = result.findings.map(\.rule).joined(separator: " ")
                out.write(Self.pad(result.id, 28) + "  " + Self.pad(String(result.score), 5) + "  " + rules + "\n")
            }
        }
        progress.finish(contacts: scanned)
        out.flush()
        if bad > 0 {
            FileHandle.standardError.write(Data("\(bad) malformed line(s) skipped; \(scanned) contact(s) scored\n".utf8))
            exit(2)
        }
    }

    /// The output line the issue fixes: `{"id", "score", "findings": [{"rule", "segment", "text", "start", "end"}]}`.
    struct ScanLine: Encodable {
        struct F: Encodable { var rule: String; var segment: Int; var text: String; var start: Int; var end: Int }
        var id: String; var score: Int; var findings: [F]
        init(_ r: ContactScore) {
            id = r.id; score = r.score
            findings = r.findings.map { F(rule: $0.rule, segment: $0.segment, text: $0.text, start: $0.start, end: $0.end) }
        }
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("kefu qa scan: \(message)\n".utf8))
        exit(1)
    }
}

/// Buffered stdout: one write per 64 KB instead of one per line.
final class OutputBuffer {
    private var buffer = Data()
    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 65_536 { flush() }
    }
    func flush() {
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads a file line by line in 1 MB chunks, so files larger than memory work.
struct LineReader {
    let handle: FileHandle

    func forEach(_ body: (Int, String, UInt64) throws -> Void) throws {
        var pending = Data()
        var number = 0
        var read: UInt64 = 0
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            read += UInt64(chunk.count)
            if chunk.isEmpty { break }
            pending.append(chunk)
            var start = pending.startIndex
            while let nl = pending[start...].firstIndex(of: 0x0A) {
                number += 1
                try body(number, String(decoding: pending[start..<nl], as: UTF8.self), read)
                start = pending.index(after: nl)
            }
            pending = Data(pending[start...])
        }
        if !pending.isEmpty {
            number += 1
            try body(number, String(decoding: pending, as: UTF8.self), read)
        }
    }
}

/// `[#####.....] 45%  1234 contacts` on stderr, redrawn at most four times a second.
final class ProgressBar {
    let total: UInt64
    let enabled: Bool
    private var last = Date.distantPast
    private var drawn = false

    init(total: UInt64, enabled: Bool) { self.total = total; self.enabled = enabled }

    func update(_ done: UInt64, contacts: Int) {
        guard enabled, Date().timeIntervalSince(last) >= 0.25 else { return }
        last = Date()
        draw(done, contacts: contacts)
    }

    private func draw(_ done: UInt64, contacts: Int) {
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let filled = Int(fraction * 30)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(Int(fraction * 100))%  \(contacts) contacts".utf8))
        drawn = true
    }

    func clear() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }

    func finish(contacts: Int) {
        guard enabled else { return }
        draw(total, contacts: contacts)
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
