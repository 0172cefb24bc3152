import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPETraining

/// The split phase with tiny lookaheads, so that most segments stop at their limit and
/// `SegmentRepair` finishes them: the word counts must still be exactly the uncut text's, for
/// every kind of stretch that made the walk quadratic (long words, long whitespace runs,
/// digit runs cut out of step, stretches no match starts in, empty matches).
@Suite struct SegmentRepairTests {
    /// Counts words by their bytes (a test sink; one per worker, read after the run).
    final class RecordingSink: WordSink, @unchecked Sendable {
        var counts: [[UInt8]: Int64] = [:]
        func addSoon(_ bytes: UnsafePointer<UInt8>, length: Int, readableEnd: UnsafePointer<UInt8>) {
            add(bytes, length: length, delta: 1, readableEnd: readableEnd)
        }
        func add(_ bytes: UnsafePointer<UInt8>, length: Int, delta: Int64, readableEnd: UnsafePointer<UInt8>) {
            counts[Array(UnsafeBufferPointer(start: bytes, count: length)), default: 0] += delta
        }
    }

    /// The words of `text` split on `threads` workers in units of `shardBytes`, reading at
    /// least `lookahead` bytes past a segment's end, with special tokens `specials`.
    static func counts(
        _ text: [UInt8], pattern: String, shardBytes: Int, lookahead: Int, threads: Int = 2, specials: [String] = []
    ) throws -> [[UInt8]: Int64] {
        let file = CorpusFile.inMemory(text, path: "<test>")
        let plan = WorkPlan(
            files: [file], specialTokens: SpecialTokenScanner(specials), shardBytes: shardBytes, threads: threads,
            minimumLookahead: lookahead)
        let sinks = try ParallelWordCounter.split(
            files: [file], plan: plan, pattern: try CompiledPattern(SplitPattern.resolve(pattern)), threads: threads
        ) { RecordingSink() }
        var total: [[UInt8]: Int64] = [:]
        for sink in sinks { for (word, count) in sink.counts { total[word, default: 0] += count } }
        return total.filter { $0.value != 0 }
    }

    /// The words of the uncut text (pieces between `specials`), counted.
    static func expected(_ text: [UInt8], pattern: String, specials: [String] = []) throws -> [[UInt8]: Int64] {
        try counts(text, pattern: pattern, shardBytes: max(1, text.count), lookahead: 0, threads: 1, specials: specials)
    }

    /// The first few words whose counts differ, shortened (empty: none).
    static func difference(_ got: [[UInt8]: Int64], _ expected: [[UInt8]: Int64]) -> String {
        let words = Set(got.keys).union(expected.keys).filter { got[$0] != expected[$0] }
        return words.prefix(3).map { word in
            let text = String(decoding: word.prefix(12), as: UTF8.self).debugDescription
            return "\(text)\(word.count > 12 ? "…(\(word.count) bytes)" : ""): \(got[word] ?? 0) vs \(expected[word] ?? 0)"
        }.joined(separator: "; ")
    }

    static func hardText(seed: UInt64) -> [UInt8] {
        var generator = CorpusGenerator(seed: seed)
        var text = generator.cuttingText(size: 200)
        text += Array(String(repeating: "a", count: 700).utf8)
        text += Array(" x" .utf8) + Array(String(repeating: " ", count: 500).utf8) + Array("y\n".utf8)
        text += Array(String(repeating: "1234567", count: 90).utf8) + Array(" z ".utf8)
        text += Array(String(repeating: "\n", count: 300).utf8) + Array(String(repeating: "!?", count: 200).utf8)
        text += generator.cuttingText(size: 200)
        return text
    }

    @Test(arguments: ["gpt4", "gpt2", "o200k"])
    func presetsCountExactlyAtEveryShardAndLookahead(pattern: String) throws {
        let text = Self.hardText(seed: 3)
        let expected = try Self.expected(text, pattern: pattern)
        for shard in [1, 2, 3, 7, 16, 61, 256] {
            for lookahead in [0, 1, 5, 64] {
                let got = try Self.counts(text, pattern: pattern, shardBytes: shard, lookahead: lookahead)
                let difference = Self.difference(got, expected)
                #expect(difference.isEmpty, "\(pattern): shards of \(shard), lookahead \(lookahead): \(difference)")
            }
        }
    }

    /// Custom patterns: empty matches (`\w*`), a stretch no match starts in (`[a-z]+` over
    /// digits and spaces), lookbehind, alternatives that differ only far ahead.
    @Test(arguments: [#"\w*"#, #"[a-z]+"#, #"(?<=a)a|\d{2}|."#, #"a+b|a|\s+(?=\S)|\s"#, #"\p{N}{1,3}|\X"#])
    func customPatternsCountExactly(pattern: String) throws {
        let text = Self.hardText(seed: 9)
        let expected = try Self.expected(text, pattern: pattern)
        for shard in [1, 3, 16, 100] {
            for lookahead in [0, 2, 50] {
                let got = try Self.counts(text, pattern: pattern, shardBytes: shard, lookahead: lookahead)
                let difference = Self.difference(got, expected)
                #expect(difference.isEmpty, "\(pattern): shards of \(shard), lookahead \(lookahead): \(difference)")
            }
        }
    }

    /// Digit runs to the end of the text (and of a piece), cut out of step: the repair owns
    /// what is left after the last segment's words run out.
    @Test func aRunOutOfStepToTheEndOfThePieceCountsExactly() throws {
        for length in stride(from: 20, through: 140, by: 7) {
            let digits = (0..<length).map { UInt8(ascii: "0") + UInt8(($0 * 7 + $0 / 10) % 10) }
            let text = digits + Array("<|endoftext|>".utf8) + digits
            let specials = ["<|endoftext|>"]
            let expected = try Self.expected(text, pattern: "gpt4", specials: specials)
            for shard in [4, 5, 7, 10] {
                for lookahead in [0, 2, 8] {
                    let got = try Self.counts(text, pattern: "gpt4", shardBytes: shard, lookahead: lookahead, specials: specials)
                    let difference = Self.difference(got, expected)
                    #expect(difference.isEmpty, "\(length) digits, shards of \(shard), lookahead \(lookahead): \(difference)")
                }
            }
        }
    }

    @Test func specialTokensEndEveryRepair() throws {
        let specials = ["<|endoftext|>"]
        var text: [UInt8] = []
        for run in [" ", "b", "7"] {
            text += Array(String(repeating: run, count: 150).utf8) + Array("<|endoftext|>".utf8)
        }
        text += Array(String(repeating: "c", count: 50).utf8)
        let expected = try Self.expected(text, pattern: "gpt4", specials: specials)
        for shard in [1, 4, 11, 40] {
            let got = try Self.counts(text, pattern: "gpt4", shardBytes: shard, lookahead: 0, specials: specials)
            let difference = Self.difference(got, expected)
            #expect(difference.isEmpty, "shards of \(shard): \(difference)")
        }
    }
}
