import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPETraining

/// `MergeLearner`, the public merge phase: one learner is one state, and the trainer's
/// invariants (`MergeTrainer._checkInvariants`) hold before and after every merge.
@Suite struct MergeLearnerTests {
    /// The reference split of generated text, as a dictionary and as `WordCounts`.
    static func words(seed: UInt64, kind: CorpusGenerator.Kind) throws -> [[UInt8]: Int] {
        var generator = CorpusGenerator(seed: seed)
        let text = Array(generator.text(kind, size: 3000).utf8)
        return try ReferenceTrainer.words(of: text, specialTokens: [], pattern: SplitPattern.gpt4.regex)
    }

    static func wordCounts(seed: UInt64, kind: CorpusGenerator.Kind = .multilingual) throws -> WordCounts {
        let counts = WordCounts()
        for (word, count) in try words(seed: seed, kind: kind) { counts.add(word, count: Int64(count)) }
        return counts
    }

    /// A learner of `counts` (minimum frequency 1) after `merges` merges.
    static func learned(_ counts: WordCounts, merges: Int) -> MergeLearner {
        let learner = MergeLearner(wordCounts: counts, minFrequency: 1)
        learner.countInitialPairs()
        learner.learn(mergeCount: merges)
        return learner
    }

    /// The bug this guards against: `MergeLearner` was a struct holding class instances, so a
    /// copy shared half its state and the two learned wrong merges.
    @Test func aSecondReferenceIsTheSameLearnerNotAHalfSharedCopy() throws {
        let counts = try Self.wordCounts(seed: 1)
        let fresh = Self.learned(counts, merges: 60)
        let learner = Self.learned(counts, merges: 0)
        let other = learner
        other.learn(mergeCount: 60)
        learner.learn(mergeCount: 60)
        #expect(learner.vocabulary() == fresh.vocabulary())
        #expect(other.vocabulary() == fresh.vocabulary())
    }

    @Test func learningInStepsEqualsLearningAtOnce() throws {
        let counts = try Self.wordCounts(seed: 2)
        let once = Self.learned(counts, merges: 90)
        let steps = Self.learned(counts, merges: 0)
        for target in stride(from: 10, through: 90, by: 10) { steps.learn(mergeCount: target) }
        #expect(steps.vocabulary() == once.vocabulary())
        let reference = ReferenceTrainer.train(
            words: try Self.words(seed: 2, kind: .multilingual), mergeCount: 90, minFrequency: 1)
        #expect(once.vocabulary().merges == reference)
    }

    /// Far more threads than cores make at most 16 shards (or one per worker), not one per
    /// thread asked for (each shard's map starts at 2 MiB: 4,096 of them took 8 GiB), and
    /// learn the same merges.
    @Test func aHugeThreadCountMakesFewShards() throws {
        let words = try Self.words(seed: 6, kind: .multilingual)
        let counts = WordCounts()
        for (word, count) in words { counts.add(word, count: Int64(count)) }
        var trainer = MergeTrainer(wordCounts: counts.table, minFrequency: 1, maxTokenLength: nil, threads: 4096)
        #expect(trainer.shards.count == max(trainer.workers.count, MergeTrainer.maximumSpareShards))
        trainer.countInitialPairs()
        trainer.learn(mergeCount: 120)
        #expect(trainer.merges == ReferenceTrainer.train(words: words, mergeCount: 120, minFrequency: 1))
    }

    /// Any merge count may be asked for (the room reserved for the pairs to come is capped,
    /// not 64 times the count): `Int.max` learns every merge there is, at 1 and 2 threads.
    @Test(arguments: [1, 2] as [Int])
    func theLargestMergeCountLearnsEveryMergeThereIs(threads: Int) throws {
        let words = try Self.words(seed: 5, kind: .repeatedWords)
        let counts = WordCounts()
        for (word, count) in words { counts.add(word, count: Int64(count)) }
        let learner = MergeLearner(wordCounts: counts, minFrequency: 1, threads: threads)
        learner.countInitialPairs()
        learner.learn(mergeCount: .max)
        #expect(learner.vocabulary().merges == ReferenceTrainer.train(words: words, mergeCount: 1_000_000, minFrequency: 1))
    }

    /// A top pair whose bytes already are a token is never merged: here a base vocabulary
    /// encodes "abc" as (ab, c), the most frequent pair, while "abc" is already its token
    /// (a + bc). The shard that holds the pair discards it, and every worker then chooses
    /// again (`MergeTrainer.learn`), at any number of threads.
    @Test(arguments: [1, 2, 3] as [Int])
    func aPairThatWouldRebuildATokenIsSkipped(threads: Int) throws {
        let a = TokenID(UInt8(ascii: "a")), b = TokenID(UInt8(ascii: "b")), c = TokenID(UInt8(ascii: "c"))
        // 256 = ab, 257 = bc, 258 = a + bc = "abc".
        let baseMerges = [Merge(a, b), Merge(b, c), Merge(a, 257)]
        let base = try BaseVocabulary(merges: baseMerges)
        let words: [[UInt8]: Int] = [Array("abc".utf8): 10, Array("abd".utf8): 3, Array("xy".utf8): 2]
        let counts = WordCounts()
        for (word, count) in words { counts.add(word, count: Int64(count)) }
        let learner = MergeLearner(wordCounts: counts, minFrequency: 1, base: base, threads: threads)
        learner.countInitialPairs()
        learner.learn(mergeCount: 10)
        let merges = learner.vocabulary().merges
        #expect(!merges.contains(Merge(256, c)), "(ab, c) rebuilds \"abc\"")
        #expect(merges == ReferenceTrainer.train(words: words, mergeCount: 10, minFrequency: 1, base: baseMerges))
        #expect(merges == baseMerges + [Merge(256, TokenID(UInt8(ascii: "d"))), Merge(TokenID(UInt8(ascii: "x")), TokenID(UInt8(ascii: "y")))])
        learner._checkInvariants()
    }

    /// A count table of 65,536+ slots is copied into the learner's records in parallel slot
    /// ranges (`MergeTrainer.copyWords`): the records, and so every merge, must be the same
    /// as one thread's copy and the reference trainer's.
    @Test(arguments: [2, 3] as [Int])
    func aLargeTableCopiedInParallelLearnsTheSameMerges(threads: Int) throws {
        let words = try Self.words(seed: 9, kind: .multilingual)
        let table = WordCountTable(minimumCapacity: 1 << 16)
        for (word, count) in words { word.withUnsafeBufferPointer { table.add($0.baseAddress!, length: $0.count, delta: Int64(count), readableEnd: $0.baseAddress! + $0.count) } }
        #expect(table.slotCapacity >= 1 << 16)
        let serial = MergeLearner(wordCounts: table, minFrequency: 1, maxTokenLength: nil, threads: 1, blockWords: 1)
        let parallel = MergeLearner(wordCounts: table, minFrequency: 1, maxTokenLength: nil, threads: threads, blockWords: 1)
        for learner in [serial, parallel] {
            learner.countInitialPairs()
            learner._checkInvariants()
            learner.learn(mergeCount: 120)
            learner._checkInvariants()
        }
        #expect(parallel.vocabulary() == serial.vocabulary())
        let reference = ReferenceTrainer.train(words: words, mergeCount: 120, minFrequency: 1)
        #expect(parallel.vocabulary().merges == reference)
    }

    @Test(arguments: CorpusGenerator.Kind.allCases, [1, 2] as [Int])
    func invariantsHoldAfterEveryMerge(kind: CorpusGenerator.Kind, threads: Int) throws {
        let counts = try Self.wordCounts(seed: 5, kind: kind)
        counts.table._checkInvariants()
        // Every merge applied in parallel when there are two threads.
        let learner = MergeLearner(
            wordCounts: counts.table, minFrequency: 2, maxTokenLength: kind == .code ? 6 : nil, threads: threads,
            blockWords: threads == 2 ? 1 : 4096)
        learner.countInitialPairs()
        learner._checkInvariants()
        for merges in 1...80 {
            learner.learn(mergeCount: merges)
            learner._checkInvariants()
        }
    }
}
