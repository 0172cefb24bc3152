import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPETraining

/// New pairs created below a bound are not tracked (`PairTracking`), and are recounted from
/// the words once the best tracked pair falls below it: the merges must be exactly those of
/// tracking every pair (the reference trainer's), at any bound, thread count and call pattern.
@Suite struct PairTrackingTests {
    static func table(_ words: [[UInt8]: Int]) -> WordCountTable {
        let counts = WordCounts()
        for (word, count) in words { counts.add(word, count: Int64(count)) }
        return counts.table
    }

    static func learner(_ table: WordCountTable, threads: Int, tracking: PairTracking) -> MergeLearner {
        let learner = MergeLearner(
            wordCounts: table, minFrequency: 2, maxTokenLength: nil, threads: threads, blockWords: 1,
            pairTracking: tracking)
        learner.countInitialPairs()
        return learner
    }

    /// Any fixed bound, from one that leaves almost everything tracked to one above every
    /// count (a recount before the first merge); the runs end when no pair is counted twice,
    /// so the last choice always needs the recount.
    @Test(arguments: CorpusGenerator.Kind.allCases, [1, 2, 3] as [Int])
    func anyBoundGivesTheReferenceMerges(kind: CorpusGenerator.Kind, threads: Int) throws {
        let words = try MergeLearnerTests.words(seed: 11, kind: kind)
        let reference = ReferenceTrainer.train(words: words, mergeCount: 400, minFrequency: 2)
        let table = Self.table(words)
        for bound in [3, 8, 30, 1 << 40] as [Int64] {
            let learner = Self.learner(table, threads: threads, tracking: .below(bound))
            learner.learn(mergeCount: 400)
            learner._checkInvariants()
            #expect(learner.vocabulary().merges == reference, "bound \(bound)")
            // A recount lowers the bound 8-fold: one or more, down to the minimum frequency.
            #expect(learner._tracking.recounts >= 1, "bound \(bound)")
        }
    }

    /// Below a bound met by the first merges: they register fewer pairs and recount
    /// nothing; the recount comes when the best pair falls below the bound, once; the
    /// invariants (every pair at or above the bound tracked) hold after every merge.
    @Test(arguments: [1, 2] as [Int])
    func pairsBelowTheBoundWaitForTheRecount(threads: Int) throws {
        let words = try MergeLearnerTests.words(seed: 5, kind: .multilingual)
        let table = Self.table(words)
        let every = Self.learner(table, threads: threads, tracking: .every)
        every.learn(mergeCount: 120)
        let counts = every._tracking.mergeCounts
        try #require(counts.count == 120 && counts[40] > 2 && counts[40] < counts[0])
        let bound = counts[40]
        let firstWithout = counts.firstIndex { $0 < bound }!

        let tracked = Self.learner(table, threads: threads, tracking: .below(bound))
        let reference = Self.learner(table, threads: threads, tracking: .every)
        for merges in 1...120 {
            tracked.learn(mergeCount: merges)
            reference.learn(mergeCount: merges)
            tracked._checkInvariants()
            #expect(tracked.vocabulary() == reference.vocabulary(), "after \(merges) merges")
            if merges <= firstWithout {
                #expect(tracked._tracking.recounts == 0, "after \(merges) merges")
            }
            if merges == 40 {
                #expect(tracked._tracking.registeredPairs < reference._tracking.registeredPairs,
                        "pairs below \(bound) were registered")
            }
        }
        #expect(tracked._tracking.recounts >= 1)
        #expect(tracked.vocabulary().merges == ReferenceTrainer.train(words: words, mergeCount: 120, minFrequency: 2))
    }

    /// The predicted bound, from an early first checkpoint so that these small runs use it.
    @Test(arguments: CorpusGenerator.Kind.allCases, [1, 2] as [Int])
    func predictedBoundsGiveTheReferenceMerges(kind: CorpusGenerator.Kind, threads: Int) throws {
        let words = try MergeLearnerTests.words(seed: 3, kind: kind)
        let table = Self.table(words)
        for target in [150, 600] {
            let learner = Self.learner(table, threads: threads, tracking: .predicted(firstCheckpoint: 8))
            learner.learn(mergeCount: target / 3)
            learner.learn(mergeCount: target)
            learner._checkInvariants()
            #expect(learner.vocabulary().merges == ReferenceTrainer.train(words: words, mergeCount: target, minFrequency: 2))
            #expect(learner._tracking.recounts <= 3)
        }
    }

    @Test func theBoundIsAPredictionWithAMargin() {
        // Counts that follow a power law exactly, then fall faster than it (as real ones do).
        let law = (1...50_000).map { Int64(1e10 * pow(Double($0), -1.2)) }
        let last = law[49_999]
        let standard = PairTracking.standard
        #expect(standard.bound(counts: Array(law.prefix(1023)), target: 50_000) == nil)
        #expect(standard.bound(counts: Array(law.prefix(1025)), target: 50_000) == nil)
        #expect(standard.bound(counts: Array(law.prefix(50_000)), target: 50_000) == nil)
        for learned in [1024, 2048, 4096, 8192, 16384, 32768] {
            let bound = try! #require(standard.bound(counts: Array(law.prefix(learned)), target: 50_000))
            // Below the last count by the margin, but not uselessly far below it.
            #expect(bound < last && bound > last / 20, "after \(learned): \(bound) against \(last)")
        }
        #expect(PairTracking.every.bound(counts: [], target: 10) == nil)
        #expect(PairTracking.below(7).bound(counts: [], target: 10) == 7)
        #expect(PairTracking.below(7).bound(counts: [9], target: 10) == nil)
        // Counts that do not fall give no power law to extend; equal counts give a bound below them.
        #expect(PairTracking.predicted(firstCheckpoint: 2).bound(counts: [50, 50], target: 8) == 8)
    }
}
