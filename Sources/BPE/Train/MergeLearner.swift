/// The merge phase as a public API: learn merges from word counts you already have (a
/// `WordCountTable` you filled yourself, or the one the split phase produced), without any
/// corpus or file. `Training` uses it; the kernel benchmarks time its two steps.
public struct MergeLearner {
    private var trainer: MergeTrainer

    /// Copies the words of `wordCounts` (the table may be freed afterwards).
    /// - Parameters:
    ///   - minFrequency: pairs counted fewer times are never merged.
    ///   - maxTokenLength: pairs whose merged token would be longer are never merged.
    ///   - threads: merges rewriting many words are shared among this many threads.
    /// - Complexity: O(total bytes of the distinct words).
    public init(wordCounts: WordCountTable, minFrequency: Int = 2, maxTokenLength: Int? = nil, threads: Int = 1) {
        trainer = MergeTrainer(
            wordCounts: wordCounts, minFrequency: minFrequency, maxTokenLength: maxTokenLength, threads: threads)
    }

    init(wordCounts: WordCountTable, configuration: TrainConfiguration) {
        trainer = MergeTrainer(
            wordCounts: wordCounts, minFrequency: configuration.minFrequency,
            maxTokenLength: configuration.maxTokenLength, threads: configuration.threads,
            parallelMinimumWords: configuration.parallelMergeMinimumWords)
    }

    /// Distinct words that hold at least one pair.
    public var wordCount: Int { trainer.wordTotal }

    /// Counts every pair once; call before `learn`.
    /// - Complexity: O(total tokens).
    public mutating func countInitialPairs() { trainer.countInitialPairs() }

    /// Learns up to `mergeCount` merges (SPEC §4); `progress` gets the number done so far.
    public mutating func learn(mergeCount: Int, progress: ((Int) -> Void)? = nil) {
        trainer.learn(mergeCount: mergeCount, progress: progress)
    }

    /// The vocabulary learned so far, with `specialTokens` after the last merge.
    public func vocabulary(specialTokens: [String] = []) -> TrainedVocabulary {
        trainer.result(specialTokens: specialTokens)
    }
}
