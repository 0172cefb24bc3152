// libFuzzer targets for swift-bpe's readers and its encoder (issue 9). Built only with
// `BPE_FUZZ=1` (Package.swift) and run by `Scripts/fuzz TARGET MINUTES`; the target is chosen
// by $BPE_FUZZ_TARGET. Each target must never crash, hang or leak on any input; the
// round trip must also give the text back, and the split the uncut text's word counts.
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
