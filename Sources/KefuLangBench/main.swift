// KefuLangBench: times Kefu's PhraseMatcher over a corpus file (see Benchmarks/language/README.md).
//
//   KefuLangBench (--lexicon FILE | --default-lexicon) --corpus FILE
//                 [--mode leftmost-longest|overlapping] [--repeat N]
//   KefuLangBench --dump-default-lexicon      # the shipped default phrases, one per line
//
// Prints one JSON line:
//   {"engine":"kefu","mode":...,"patterns":N,"bytes":B,"seconds":S,"mbPerSecond":X,
//    "matches":M,"buildSeconds":T,"foldTableSeconds":F,"peakRSSKB":K}
// `seconds` is the best of --repeat timed calls of countMatches(utf8:mode:) over the whole corpus
// (after one untimed warm-up call); `buildSeconds` is PhraseMatcher(phrases:) including the
// one-off fold-table build (reported separately as foldTableSeconds); peakRSSKB is
// getrusage(RUSAGE_SELF).ru_maxrss (corpus + matcher + runtime).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KefuCore

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(("KefuLangBench: " + message + "\n").data(using: .utf8)!)
    exit(2)
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func readFile(_ path: String) -> [UInt8] {
    guard let fd = fopen(path, "rb") else { fail("cannot open \(path)") }
    defer { fclose(fd) }
    fseek(fd, 0, SEEK_END)
    let size = ftell(fd)
    fseek(fd, 0, SEEK_SET)
    guard size >= 0 else { fail("cannot size \(path)") }
    var bytes = [UInt8](repeating: 0, count: size)
    let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, fd) }
    guard read == size else { fail("short read on \(path)") }
    return bytes
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + "\""
}

// ---- arguments ----
var lexiconPath: String?
var corpusPath: String?
var useDefault = false
var dumpDefault = false
var modeName = "leftmost-longest"
var repeatCount = 3
var args = Array(CommandLine.arguments.dropFirst())
while !args.isEmpty {
    let arg = args.removeFirst()
    func value() -> String {
        guard !args.isEmpty else { fail("\(arg) needs a value") }
        return args.removeFirst()
    }
    switch arg {
    case "--lexicon": lexiconPath = value()
    case "--corpus": corpusPath = value()
    case "--default-lexicon": useDefault = true
    case "--dump-default-lexicon": dumpDefault = true
    case "--mode": modeName = value()
    case "--repeat":
        guard let n = Int(value()), n > 0 else { fail("--repeat needs a positive integer") }
        repeatCount = n
    case "-h", "--help":
        print("usage: KefuLangBench (--lexicon FILE | --default-lexicon) --corpus FILE [--mode leftmost-longest|overlapping] [--repeat N]\n       KefuLangBench --dump-default-lexicon")
        exit(0)
    default: fail("unknown argument \(arg)")
    }
}

if dumpDefault {
    // Entries may be patterns (`(这个)不归[我们|我]管`): peers get the plain phrases they expand to.
    for phrase in Lexicon.shippedDefault.forbiddenVariants().map(\.phrase) { print(phrase) }
    exit(0)
}

let mode: PhraseMatcher.Mode
switch modeName {
case "leftmost-longest": mode = .leftmostLongest
case "overlapping": mode = .overlapping
default: fail("--mode must be leftmost-longest or overlapping")
}

var phrases: [String]
if useDefault {
    phrases = Lexicon.shippedDefault.forbiddenVariants().map(\.phrase)
} else if let lexiconPath {
    let text = String(decoding: readFile(lexiconPath), as: UTF8.self)
    var seen = Set<String>()
    phrases = []
    for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
        let phrase = line.trimmingCharacters(in: .whitespaces)
        if !phrase.isEmpty, seen.insert(phrase).inserted { phrases.append(phrase) }
    }
} else {
    fail("give --lexicon FILE or --default-lexicon")
}
guard let corpusPath else { fail("give --corpus FILE") }

let corpus = readFile(corpusPath)

let buildStart = now()
let matcher = PhraseMatcher(phrases: phrases)
let buildSeconds = now() - buildStart

var matches = 0
var best = Double.infinity
corpus.withUnsafeBufferPointer { buffer in
    matches = matcher.countMatches(utf8: buffer, mode: mode) // warm-up
    for _ in 0..<repeatCount {
        let start = now()
        let n = matcher.countMatches(utf8: buffer, mode: mode)
        best = min(best, now() - start)
        if n != matches { fail("countMatches gave \(matches) then \(n)") }
    }
}

var usage = rusage()
#if canImport(Glibc)
getrusage(RUSAGE_SELF.rawValue, &usage)
#else
getrusage(RUSAGE_SELF, &usage)
#endif
let mbPerSecond = Double(corpus.count) / 1e6 / best

func fmt(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
print("{\"engine\":\"kefu\",\"mode\":\(jsonString(modeName)),\"patterns\":\(matcher.patternCount),"
    + "\"bytes\":\(corpus.count),\"seconds\":\(fmt(best, 6)),\"mbPerSecond\":\(fmt(mbPerSecond, 2)),"
    + "\"matches\":\(matches),\"buildSeconds\":\(fmt(buildSeconds, 4)),"
    + "\"foldTableSeconds\":\(fmt(TextFolder.tableBuildSeconds, 4)),\"peakRSSKB\":\(usage.ru_maxrss)}")
