import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// Encoding is tiktoken's, whatever the sharding: the parallel encoder gives the reference
/// encoder's ids at every thread count and shard size, with the join's re-encode and repair
/// paths and the merger's heap path forced on, on every kind of generated text.
@Suite struct EncoderMatchesReferenceTests {
    static func ranks(of tokenizer: Tokenizer) -> [[UInt8]: Int] {
        var ranks: [[UInt8]: Int] = [:]
        for id in 0..<TokenID(tokenizer.idLimit) where !tokenizer.isSpecial(id) {
            if let bytes = tokenizer.bytes(of: id) { ranks[bytes] = Int(id) }
        }
        return ranks
    }

    @Test(arguments: CorpusGenerator.Kind.allCases, [1, 2] as [UInt64])
    func idsEqualReferenceAtEveryShardSizeAndThreadCount(kind: CorpusGenerator.Kind, seed: UInt64) throws {
        var generator = CorpusGenerator(seed: seed &* 7919 &+ UInt64(CorpusGenerator.Kind.allCases.firstIndex(of: kind)!))
        let pattern = ["gpt4", "gpt2", "o200k"][(Int(seed) + (kind == .code ? 1 : 0)) % 3]
        // Trained on other text of the same kind, so some words are not tokens.
        let tokenizer = try TrainedTokenizer.make(on: Array(generator.text(kind, size: 3000).utf8), pattern: pattern)
        let text = Array(generator.text(kind, size: 1500).utf8)
        let ranks = Self.ranks(of: tokenizer)
        let specials = Dictionary(uniqueKeysWithValues: tokenizer.specialTokens.map { ($0.token, Int($0.id)) })
        let withSpecials = try ReferenceEncoder.encode(text, ranks: ranks, specialTokens: specials, pattern: pattern)
        let ordinary = try ReferenceEncoder.encode(text, ranks: ranks, specialTokens: [:], pattern: pattern)

        for (policy, expected) in [(SpecialTokenPolicy.allowAll, withSpecials), (.ordinary, ordinary)] {
            for threads in [1, 3] {
                for shardBytes in [1 << 20, 1, 5, 64] {
                    var settings = EncodeSettings(threads: threads)
                    settings.specialTokens = policy
                    settings.shardBytes = shardBytes
                    // Odd shards also force the join's re-encode path and the heap merger.
                    settings.leadingWordLimit = shardBytes % 2 == 1 ? 1 : 1024
                    settings.heapThreshold = shardBytes % 2 == 1 ? 2 : 64
                    // Small shards read only a few bytes past their end: the join repairs.
                    settings.minimumLookahead = [1: 2, 5: 0, 64: 8][shardBytes] ?? settings.minimumLookahead
                    let ids = try tokenizer.encode(bytes: text, settings: settings)
                    #expect(ids.map(Int.init) == expected, "\(kind) \(policy) threads \(threads) shards \(shardBytes)")
                }
            }
            // The short-text path (no file pipeline, no shards) gives the same ids.
            let direct = try tokenizer.encode(String(decoding: text, as: UTF8.self), allowedSpecial: policy)
            #expect(direct.map(Int.init) == expected, "\(kind) \(policy) encode(String)")
            if policy == .ordinary { #expect(try tokenizer.encodeOrdinary(String(decoding: text, as: UTF8.self)) == direct) }
        }
    }

    /// The stretches that make shard walks stop at their limit (long words and runs, digit
    /// runs cut out of step, a multi-byte space before CR LF cut inside), at tiny lookaheads:
    /// the join's repairs give the unsharded ids.
    @Test(arguments: ["gpt2", "gpt4", "o200k"])
    func repairedJoinsGiveTheUnshardedIds(pattern: String) throws {
        var generator = CorpusGenerator(seed: 17)
        let tokenizer = try TrainedTokenizer.make(on: Array(generator.text(.longRuns, size: 3000).utf8), pattern: pattern)
        let text = SegmentRepairTests.hardText(seed: 4) + Array("a 42\u{3000}\r\nHello\u{3000}\r\n".utf8)
        let whole = try tokenizer.encode(bytes: text, settings: EncodeSettings(threads: 1))
        #expect(try tokenizer.decode(whole) == text)
        for threads in [1, 3] {
            for shardBytes in [1, 2, 3, 7, 16, 61] {
                for lookahead in [0, 1, 5] {
                    var settings = EncodeSettings(threads: threads)
                    settings.shardBytes = shardBytes
                    settings.minimumLookahead = lookahead
                    settings.leadingWordLimit = lookahead == 1 ? 1 : 1024
                    let ids = try tokenizer.encode(bytes: text, settings: settings)
                    #expect(ids == whole, "threads \(threads), shards of \(shardBytes), lookahead \(lookahead)")
                }
            }
        }
    }

    /// A digit run to the end of the text, cut out of step with `\p{N}{1,3}`: the last units
    /// share no word with the truth, so the join's repair must own what is left and hand off
    /// at the piece's end (it once lost those words: 100 MB of digits came out 0.4% short).
    @Test func aRunOutOfStepToTheEndOfThePieceIsEncodedWhole() throws {
        let tokenizer = try TrainedTokenizer.make(
            on: Array(String(repeating: "1234567890 hello 42 ", count: 200).utf8), pattern: "gpt4")
        for length in stride(from: 20, through: 140, by: 3) {
            let digits = (0..<length).map { UInt8(ascii: "0") + UInt8(($0 * 7 + $0 / 10) % 10) }
            for text in [digits, Array("x ".utf8) + digits, digits + Array("<|endoftext|>".utf8) + digits] {
                var whole = EncodeSettings(threads: 1)
                whole.specialTokens = .allowAll
                let expected = try tokenizer.encode(bytes: text, settings: whole)
                for shardBytes in [4, 5, 7, 10] {
                    for lookahead in [0, 2, 8] {
                        var settings = whole
                        settings.shardBytes = shardBytes
                        settings.minimumLookahead = lookahead
                        let ids = try tokenizer.encode(bytes: text, settings: settings)
                        #expect(ids == expected, "\(length) digits, shards of \(shardBytes), lookahead \(lookahead)")
                    }
                }
            }
        }
    }

    @Test func longWordMergerAgreesWithScanOnRuns() throws {
        var generator = CorpusGenerator(seed: 99)
        let tokenizer = try TrainedTokenizer.make(on: Array(generator.text(.longRuns, size: 4000).utf8), pattern: "gpt2")
        for length in [2, 3, 17, 130, 400] {
            for unit in ["a", "ab", "aab", "é", " "] {
                let word = Array(String(repeating: unit, count: length).utf8)
                var scan: [TokenID] = []
                var heap: [TokenID] = []
                word.withUnsafeBufferPointer {
                    BytePairMerger(heapThreshold: Int.max).merge($0.baseAddress!, length: word.count, table: tokenizer.ranks, into: &scan)
                    BytePairMerger(heapThreshold: 1).merge($0.baseAddress!, length: word.count, table: tokenizer.ranks, into: &heap)
                }
                #expect(scan == heap, "\(unit) × \(length)")
                #expect(scan.map(Int.init) == ReferenceEncoder.bytePairMerge(word, ranks: Self.ranks(of: tokenizer)))
            }
        }
    }

    /// Long words of mixed content across the long-word merger's 64-offset blocks: the same
    /// tokens as tiktoken's scan (the reference), merged in the same order.
    @Test func longWordMergerAgreesWithTheReferenceAcrossBlocks() throws {
        var generator = CorpusGenerator(seed: 123)
        let training = Array(generator.text(.code, size: 3000).utf8) + Array(generator.text(.repeatedWords, size: 3000).utf8)
        let tokenizer = try TrainedTokenizer.make(on: training, pattern: #"[\s\S]+"#)
        let ranks = Self.ranks(of: tokenizer)
        let alphabet = Array("the cat sat{}();\n  \t".utf8)
        for length in [2, 63, 64, 65, 127, 128, 129, 700, 4097] {
            var word = (0..<length).map { _ in generator.pick(alphabet) }
            if length > 100 { word.replaceSubrange(10..<60, with: training[100..<150]) }
            var merged: [TokenID] = []
            word.withUnsafeBufferPointer {
                LongWordMerger().merge($0.baseAddress!, length: word.count, table: tokenizer.ranks, into: &merged)
            }
            #expect(merged.map(Int.init) == ReferenceEncoder.bytePairMerge(word, ranks: ranks), "length \(length)")
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func decodeOfEncodeIsTheText(seed: UInt64) throws {
        var generator = CorpusGenerator(seed: seed)
        var text = ""
        for kind in CorpusGenerator.Kind.allCases { text += generator.text(kind, size: 300) }
        let tokenizer = try TrainedTokenizer.make(on: Array(generator.text(.multilingual, size: 2000).utf8), pattern: "gpt4")
        var settings = EncodeSettings(threads: 2)
        settings.shardBytes = 7
        settings.specialTokens = seed % 2 == 0 ? .allowAll : .ordinary
        let ids = try tokenizer.encode(bytes: Array(text.utf8), settings: settings)
        #expect(try tokenizer.decode(ids) == Array(text.utf8))
    }
}
