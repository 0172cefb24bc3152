// libFuzzer targets for swift-bpe's readers and its encoder (issue 9). Built only with
// `BPE_FUZZ=1` (Package.swift) and run by `Scripts/fuzz TARGET MINUTES`; the target is chosen
// by $BPE_FUZZ_TARGET. Each target must never crash, hang or leak on any input; the
// round trip must also give the text back, the split the uncut text's word counts, and the
// preset scanners PCRE2's words (on characters both classify alike).
@_spi(Plumbing) import BPECore
import BPEEncoding
@testable import BPEFormats
import BPETraining
import Foundation

/// Which target this process runs.
let target = ProcessInfo.processInfo.environment["BPE_FUZZ_TARGET"] ?? "roundtrip"

/// The tokenizer of the round trip: 300 merges of a fixed text, with one special token.
let roundTripTokenizer: Tokenizer = {
    var configuration = TrainConfiguration(inputs: [], vocabSize: 256 + 300 + 1)
    configuration.specialTokens = ["<|endoftext|>"]
    configuration.minFrequency = 1
    configuration.threads = 1
    let text = String(repeating: "The cat sat on the mat, don't you see? 1234 naïve café 猫 🙂\n  indented(x) = 42;\n", count: 40)
    let vocabulary = try! Training.learn(documents: [text], configuration: configuration).vocabulary
    return try! Tokenizer(vocabulary: vocabulary, pattern: "gpt4")
}()

/// Scalar values whose classes PCRE2 (Unicode 14 on Debian 12) and the scanners' Unicode 16
/// tables disagree on: the characters of Unicode 15.0–16.0, U+0085 and U+180E. The `scanner`
/// target replaces them, so that both engines must give the same words.
let classDisagreements: Set<UInt32> = {
    var bytes: [UInt8] = []
    var scalars: [UInt32] = []
    var offsets: [Int] = []
    for value in UInt32(0)...0x10FFFF {
        guard let scalar = Unicode.Scalar(value) else { continue }
        scalars.append(value)
        offsets.append(bytes.count)
        bytes.append(contentsOf: String(Character(scalar)).utf8)
    }
    let classes: [(String, UInt8)] = [
        (#"\p{L}"#, UnicodeClassTable.letter), (#"\p{N}"#, UnicodeClassTable.number), (#"\s"#, UnicodeClassTable.space),
        (#"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]"#, UnicodeClassTable.upperish),
        (#"[\p{Ll}\p{Lm}\p{Lo}\p{M}]"#, UnicodeClassTable.lowerish), (#"[\r\n]"#, UnicodeClassTable.newline),
    ]
    var different = Set<UInt32>()
    bytes.withUnsafeBufferPointer { buffer in
        for (regex, bit) in classes {
            let matcher = PatternMatcher(try! CompiledPattern("(?:" + regex + ")+", engine: .pcre2))
            var members = [Bool](repeating: false, count: scalars.count)
            var cursor = WordCursor(subject: buffer, start: 0)
            var index = 0
            while let run = try! cursor.nextWord(matcher) {
                while offsets[index] < run.lowerBound { index += 1 }
                while index < offsets.count && offsets[index] < run.upperBound {
                    members[index] = true
                    index += 1
                }
            }
            for (index, scalar) in scalars.enumerated()
            where members[index] != (UnicodeClassTable.shared.classes(of: scalar) & bit != 0) {
                different.insert(scalar)
            }
        }
    }
    return different
}()

/// The words of `text` under `matcher`.
func words(_ text: [UInt8], _ matcher: PatternMatcher) -> [Range<Int>] {
    text.withUnsafeBufferPointer { buffer in
        var cursor = WordCursor(subject: buffer, start: 0)
        var words: [Range<Int>] = []
        while let word = try! cursor.nextWord(matcher) { words.append(word) }
        return words
    }
}

/// One matcher pair per preset; libFuzzer runs the target on one thread.
nonisolated(unsafe) let presetMatchers = SplitPattern.allCases.map {
    (scanner: PatternMatcher(try! CompiledPattern($0.regex)), pcre2: PatternMatcher(try! CompiledPattern($0.regex, engine: .pcre2)))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch target {
    case "tiktoken":
        if case let .success(tokens) = bytes.withUnsafeBufferPointer({ TiktokenFormat.parse($0) }) {
            _ = try? Tokenizer(pattern: "gpt2", tokens: tokens, specialTokens: [])
        }
    case "minbpe":
        if let file = try? MinbpeFormat.parseModel(String(decoding: bytes, as: UTF8.self), path: "fuzz.model") {
            // The pattern is compiled, never matched: a hostile regex may backtrack for ages.
            _ = try? Tokenizer(pattern: "gpt2", tokens: file.tokens, specialTokens: file.specialTokens)
        }
    case "trainjson":
        _ = try? TrainReport.parseVocabularyPart(bytes, path: "fuzz.train.json")
        _ = try? JSONDecoder().decode(TrainReport.self, from: Data(bytes))
    case "gpt2":
        // encoder.json, a NUL byte, then vocab.bpe.
        let cut = bytes.firstIndex(of: 0) ?? bytes.count
        let merges = String(decoding: bytes[min(cut + 1, bytes.count)...], as: UTF8.self)
        if let file = try? GPT2Format.parse(
            encoder: Array(bytes[..<cut]), merges: merges, encoderPath: "encoder.json", mergesPath: "vocab.bpe") {
            _ = try? Tokenizer(pattern: "gpt2", tokens: file.tokens, specialTokens: file.specialTokens)
        }
    case "ids":
        for format in IDFormat.allCases {
            _ = try? bytes.withUnsafeBufferPointer { (buffer) throws(EncodeError) in
                try IDReader.forEachID(in: buffer, format: format, path: "fuzz") { _, _ in }
            }
        }
    case "scanner":
        // Any bytes (repaired to UTF-8; characters PCRE2 classifies otherwise replaced): the
        // preset scanner's words equal PCRE2's on the preset's regex.
        var scalars = String.UnicodeScalarView()
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            scalars.append(classDisagreements.contains(scalar.value) ? "\u{FFFD}" : scalar)
        }
        let text = Array(String(scalars).utf8)
        let (scanner, pcre2) = presetMatchers[size % 3]
        precondition(scanner.pattern.scanner != nil && pcre2.pattern.scanner == nil)
        precondition(words(text, scanner) == words(text, pcre2), "the scanner's words differ from PCRE2's")
    case "split":
        // Any bytes (repaired), split in tiny units that read 0 to 3 bytes past their end (so
        // SegmentRepair finishes most of them): the word counts of the uncut text.
        let text = Array(String(decoding: bytes, as: UTF8.self).utf8)
        let pattern = try! CompiledPattern(SplitPattern.resolve(["gpt2", "gpt4", "o200k", #"\w*|\s|\d{2}"#][size % 4]))
        func counts(shardBytes: Int, lookahead: Int) -> [[UInt8]: Int64] {
            let file = CorpusFile.inMemory(text, path: "fuzz")
            let plan = WorkPlan(
                files: [file], specialTokenOccurrences: [[]], shardBytes: shardBytes, minimumLookahead: lookahead)
            var total: [[UInt8]: Int64] = [:]
            for table in try! ParallelWordCounter.count(files: [file], plan: plan, pattern: pattern, threads: 2) {
                table.forEach { word, count in total[Array(word), default: 0] += count }
            }
            return total.filter { $0.value != 0 }
        }
        precondition(counts(shardBytes: 1 + size % 13, lookahead: size % 4) == counts(shardBytes: max(1, text.count), lookahead: 0),
                     "sharded word counts differ from the uncut text's")
    default:  // "roundtrip": any bytes, repaired as --invalid-utf8 replace, encode then decode
        let text = Array(String(decoding: bytes, as: UTF8.self).utf8)
        var settings = EncodeSettings(threads: 1)
        settings.shardBytes = 1 + size % 17
        // Units read 0 to 4 bytes past their end: most joins go through SegmentRepair.
        settings.minimumLookahead = size % 5
        settings.specialTokens = .allowAll
        settings.invalidUTF8 = .replace
        let tokenizer = roundTripTokenizer
        let ids = try! tokenizer.encode(bytes: bytes, settings: settings)
        precondition(try! tokenizer.decode(ids) == text, "decode(encode(x)) != x")
        precondition(try! tokenizer.encode(String(decoding: text, as: UTF8.self), allowedSpecial: .allowAll) == ids,
                     "the short-text path and the sharded pipeline disagree")
    }
    return 0
}
