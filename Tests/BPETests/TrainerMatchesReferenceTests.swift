import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// SPEC §4 and §7: every trainer path gives the reference trainer's merges, byte for byte,
/// at every thread count and shard size, with merges applied serially or in parallel, on
/// many generated corpora.
@Suite struct TrainerMatchesReferenceTests {
    static let patterns = ["gpt4", "gpt2", "o200k"]

    @Test(arguments: CorpusGenerator.Kind.allCases, [1, 2, 3] as [UInt64])
    func fastMergesEqualReferenceMerges(kind: CorpusGenerator.Kind, seed: UInt64) throws {
        var generator = CorpusGenerator(seed: seed &* 1000 &+ UInt64(CorpusGenerator.Kind.allCases.firstIndex(of: kind)!))
        let text = Array(generator.text(kind, size: 2500).utf8)
        let pattern = Self.patterns[Int(seed) % 3]
        let specials = (kind == .specialGlued || seed == 2) ? CorpusGenerator.specialTokens : []
        let minFrequency = seed == 3 ? 1 : 2
        let maxTokenLength: Int? = seed == 2 ? 5 : nil
        let mergeCount = 120

        let words = try ReferenceTrainer.words(of: text, specialTokens: specials, pattern: SplitPattern.resolve(pattern))
        let expected = ReferenceTrainer.train(
            words: words, mergeCount: mergeCount, minFrequency: minFrequency, maxTokenLength: maxTokenLength)

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write(text, to: "corpus.txt")
        for threads in [1, 2, 4] {
            for shardBytes in [1 << 20, 1, 7, 64] {
                var configuration = TrainConfiguration(
                    inputs: [input], vocabSize: 256 + mergeCount + specials.count)
                configuration.pattern = pattern
                configuration.specialTokens = specials
                configuration.minFrequency = minFrequency
                configuration.maxTokenLength = maxTokenLength
                configuration.threads = threads
                configuration.shardBytes = shardBytes
                // Odd shard sizes also apply every merge in parallel (when threads > 1).
                configuration.mergeBlockWords = shardBytes % 2 == 1 ? 1 : 4096
                // Small shards read only a few bytes past their end: `SegmentRepair` finishes them.
                configuration.minimumLookahead = [1: 3, 7: 0, 64: 8][shardBytes] ?? configuration.minimumLookahead
                let outcome = try Training.learn(configuration)
                #expect(outcome.vocabulary.merges == expected, "threads \(threads), shard \(shardBytes)")
                #expect(outcome.corpus.uniqueWords == words.count, "threads \(threads), shard \(shardBytes)")
                #expect(outcome.corpus.words == Int64(words.values.reduce(0, +)))
            }
        }
    }

    /// A cut anywhere inside a long piece changes no word: every shard size from 1 to 40 bytes
    /// over text full of the constructs that look across a cut (`\s+(?!\S)`, `\p{N}{1,3}`).
    @Test(arguments: ["gpt4", "gpt2", "o200k"])
    func shardCutsNeverChangeWords(pattern: String) throws {
        var generator = CorpusGenerator(seed: 99)
        let text = generator.cuttingText(size: 600)
        let expected = try ReferenceTrainer.words(of: text, specialTokens: [], pattern: SplitPattern.resolve(pattern))
        let file = CorpusFile.inMemory(text, path: "generated")
        let compiled = try CompiledPattern(SplitPattern.resolve(pattern))
        for shardBytes in 1...40 {
            let plan = WorkPlan(files: [file], specialTokens: SpecialTokenScanner([]), shardBytes: shardBytes, threads: 2)
            let tables = try ParallelWordCounter.count(files: [file], plan: plan, pattern: compiled, threads: 2)
            for table in tables.dropFirst() { tables[0].merge(table) }
            tables[0]._checkInvariants()
            var counted: [[UInt8]: Int] = [:]
            tables[0].forEach { word, count in counted[Array(word)] = Int(count) }
            #expect(counted == expected, "shard \(shardBytes)")
        }
    }

    @Test func repeatedCharacterRunsCountOverlappingPairs() throws {
        // `aaa` holds (a, a) twice; `aaaa` merges to `aa aa`, not `aa a a`.
        let words: [[UInt8]: Int] = [Array("aaaa".utf8): 3, Array("aaa".utf8): 1]
        let expected = ReferenceTrainer.train(words: words, mergeCount: 5, minFrequency: 1)
        #expect(expected.first == Merge(97, 97))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write(Array("aaaa aaaa aaaa aaa".utf8), to: "runs.txt")
        var configuration = TrainConfiguration(inputs: [input], vocabSize: 256 + 5)
        configuration.pattern = #"[a-z]+"#
        configuration.minFrequency = 1
        #expect(try Training.learn(configuration).vocabulary.merges == expected)
    }
    /// rustbpe's rule (`--tie-break rustbpe`, min frequency 1) against the reference trainer
    /// with the same rule, at every thread count and shard size, merges serial and parallel.
    @Test(arguments: CorpusGenerator.Kind.allCases)
    func rustbpeTieBreakEqualsReference(kind: CorpusGenerator.Kind) throws {
        var generator = CorpusGenerator(seed: 7000 &+ UInt64(CorpusGenerator.Kind.allCases.firstIndex(of: kind)!))
        let text = Array(generator.text(kind, size: 2500).utf8)
        let mergeCount = 150
        let words = try ReferenceTrainer.words(of: text, specialTokens: [], pattern: SplitPattern.resolve("gpt4"))
        let expected = ReferenceTrainer.train(words: words, mergeCount: mergeCount, minFrequency: 1, tieBreak: .smallestIDs)
        let bytesRule = ReferenceTrainer.train(words: words, mergeCount: mergeCount, minFrequency: 1)
        #expect(expected != bytesRule || expected.count < 3, "the corpus should tell the rules apart")

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write(text, to: "corpus.txt")
        for threads in [1, 2, 4] {
            for shardBytes in [1 << 20, 7, 64] {
                var configuration = TrainConfiguration(inputs: [input], vocabSize: 256 + mergeCount)
                configuration.minFrequency = 1
                configuration.tieBreak = .smallestIDs
                configuration.threads = threads
                configuration.shardBytes = shardBytes
                configuration.mergeBlockWords = shardBytes % 2 == 1 ? 1 : 4096
                let merges = try Training.learn(configuration).vocabulary.merges
                #expect(merges == expected, "threads \(threads), shard \(shardBytes)")
            }
        }
    }

    /// The two rules on one tie: `ab` and `cd` once each. SPEC §4 takes the greater bytes
    /// (`cd`); rustbpe the smaller ids (`ab`).
    @Test func tieBreakRulesChooseDifferently() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write(Array("ab cd".utf8), to: "tie.txt")
        var configuration = TrainConfiguration(inputs: [input], vocabSize: 257)
        configuration.pattern = #"[a-z]+"#
        configuration.minFrequency = 1
        #expect(try Training.learn(configuration).vocabulary.merges == [Merge(99, 100)])
        configuration.tieBreak = .smallestIDs
        #expect(try Training.learn(configuration).vocabulary.merges == [Merge(97, 98)])
    }
    /// `--extend`: a base trained on one corpus, extended on another: the base's merges and
    /// ids are kept, and the new merges equal the reference trainer extended the same way, at
    /// every thread count and shard size, from a `.model`, a `.tiktoken` and a tokenizer.json.
    @Test(arguments: ["gpt4", "o200k"])
    func extendingEqualsTheReferenceExtended(pattern: String) throws {
        var generator = CorpusGenerator(seed: pattern == "gpt4" ? 61 : 62)
        let baseText = Array(generator.text(.multilingual, size: 3000).utf8) + Array(generator.text(.code, size: 2000).utf8)
        let newText = Array(generator.text(.repeatedWords, size: 3000).utf8) + Array(generator.text(.whitespaceMix, size: 1500).utf8)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var baseConfiguration = TrainConfiguration(inputs: [try directory.write(baseText, to: "base.txt")], vocabSize: 256 + 80 + 1)
        baseConfiguration.pattern = pattern
        baseConfiguration.specialTokens = ["<|endoftext|>"]
        baseConfiguration.output = directory.path + "/base"
        baseConfiguration.formats = [.tiktoken, .minbpe, .hf]
        let base = try Training.run(baseConfiguration).vocabulary
        #expect(base.merges.count == 80)

        let words = try ReferenceTrainer.words(of: newText, specialTokens: ["<|endoftext|>"], pattern: SplitPattern.resolve(pattern))
        let expected = ReferenceTrainer.train(words: words, mergeCount: 80 + 120, base: base.merges)
        #expect(Array(expected.prefix(80)) == base.merges)
        #expect(expected.count > 80 + 50, "the new corpus should add merges")
        let input = try directory.write(newText, to: "new.txt")
        for file in ["base.model", "base.tiktoken", "base.tokenizer.json"] {
            for (threads, shardBytes) in [(1, 1 << 20), (2, 7), (4, 64)] {
                var configuration = TrainConfiguration(inputs: [input], vocabSize: 256 + 200 + 1)
                configuration.pattern = pattern
                configuration.specialTokens = ["<|endoftext|>"]
                configuration.extend = directory.path + "/" + file
                configuration.threads = threads
                configuration.shardBytes = shardBytes
                configuration.mergeBlockWords = shardBytes % 2 == 1 ? 1 : 4096
                let vocabulary = try Training.learn(configuration).vocabulary
                #expect(vocabulary.merges == expected, "\(file), threads \(threads), shard \(shardBytes)")
                #expect(Array(vocabulary.tokens.prefix(256 + 80)) == base.tokens, "base ids unchanged")
                #expect(vocabulary.specialTokenID(0) == TokenID(256 + expected.count))
            }
        }
        // Too small for the base: refused.
        var small = TrainConfiguration(inputs: [input], vocabSize: 256 + 50 + 1)
        small.pattern = pattern
        small.specialTokens = ["<|endoftext|>"]
        small.extend = directory.path + "/base.model"
        #expect { try Training.learn(small) } throws: { "\($0)".contains("smaller than the vocabulary it extends") }
    }
}
