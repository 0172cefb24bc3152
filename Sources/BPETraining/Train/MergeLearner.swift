@_spi(Plumbing) import BPECore

/// The merge phase as a public API: learns merges from word counts you already have (counted
/// yourself, or by `Training.countWords`), without any corpus or file.
///
/// A class: the learner owns mutable state (the words, pair counts, heap and vocabulary
/// being built) that must never be shared by two values, so a second reference is the same
/// learner, never a copy that silently shares half of it.
public final class MergeLearner {
    private var trainer: MergeTrainer

    /// Copies the words of `wordCounts` (which may be changed or freed afterwards).
    /// - Parameters:
    ///   - minFrequency: pairs counted fewer times are never merged (0 and 1 both mean any).
    ///   - maxTokenLength: pairs whose merged token would be longer are never merged.
    ///   - tieBreak: which of several pairs of equal count is merged first.
    ///   - threads: every merge is shared among this many threads (its words rewritten in
    ///     blocks they take in turn, then each thread updating its own shard of the pairs).
    /// - Complexity: O(total bytes of the distinct words).
    ///   - base: a vocabulary to extend: its merges come first, applied to every word, and
    ///     `learn` goes on after them (`mergeCount` counts them too).
    public convenience init(
        wordCounts: WordCounts, minFrequency: Int = 2, maxTokenLength: Int? = nil, tieBreak: TieBreak = .greatestBytes,
        base: BaseVocabulary? = nil, threads: Int = 1
    ) {
        self.init(wordCounts: wordCounts.table, minFrequency: minFrequency, maxTokenLength: maxTokenLength,
                  tieBreak: tieBreak, base: base, threads: threads,
                  blockWords: MergeTrainer.defaultBlockWords)
    }

    package convenience init(
        wordCounts: WordCountTable, minFrequency: Int, maxTokenLength: Int?, tieBreak: TieBreak = .greatestBytes,
        base: BaseVocabulary? = nil, threads: Int, blockWords: Int, pairTracking: PairTracking = .standard
    ) {
        self.init(words: .table(wordCounts), minFrequency: minFrequency, maxTokenLength: maxTokenLength,
                  tieBreak: tieBreak, base: base, threads: threads, blockWords: blockWords, pairTracking: pairTracking)
    }

    /// Copies the words of `words` (a table, or one count file read in place).
    init(
        words: MergeTrainer.WordSource, minFrequency: Int, maxTokenLength: Int?, tieBreak: TieBreak = .greatestBytes,
        base: BaseVocabulary? = nil, threads: Int, blockWords: Int, pairTracking: PairTracking = .standard
    ) {
        trainer = MergeTrainer(
            words: words, minFrequency: minFrequency, maxTokenLength: maxTokenLength, tieBreak: tieBreak,
            base: base, threads: max(1, threads), blockWords: blockWords, pairTracking: pairTracking)
    }

    /// Distinct words that hold at least one pair.
    public var wordCount: Int { trainer.wordTotal }

    /// Counts every pair once; call before `learn`.
    /// - Complexity: O(total tokens).
    public func countInitialPairs() { trainer.countInitialPairs() }

    /// Learns merges until there are `mergeCount` in all (SPEC §4) or no pair qualifies;
    /// `progress` gets the number done so far. Calling it again with a larger count goes on
    /// where it stopped.
    /// - Complexity: per merge, O(log heap) per entry popped plus the length of the words
    ///   that held the pair.
    public func learn(mergeCount: Int, progress: ((Int) -> Void)? = nil) {
        trainer.learn(mergeCount: mergeCount, progress: progress)
    }

    /// The vocabulary learned so far, with `specialTokens` after the last merge.
    public func vocabulary(specialTokens: [String] = []) -> TrainedVocabulary {
        trainer.result(specialTokens: specialTokens)
    }

    /// How many times untracked pairs were recounted, the pairs registered, and each merge's
    /// count (tests).
    package var _tracking: (recounts: Int, registeredPairs: Int, mergeCounts: [Int64]) {
        (trainer.recounts, trainer.registeredPairs, trainer.mergeCounts)
    }

    /// Checks the trainer's invariants (see `MergeTrainer._checkInvariants`); tests call it.
    /// - Complexity: O(total tokens + live pairs · log).
    package func _checkInvariants() { trainer._checkInvariants() }
}
