@_spi(Plumbing) import BPECore

/// Counts describing the corpus a run trained on.
public struct CorpusStatistics: Sendable, Equatable {
    /// Bytes of all inputs (after `--invalid-utf8 replace`, if it changed any).
    public var bytes: Int
    /// Words the split pattern produced, special tokens excluded.
    public var words: Int64
    /// Distinct words, by their bytes.
    public var uniqueWords: Int
    /// Special-token occurrences found.
    public var specialTokenOccurrences: Int
    /// Inputs that held invalid UTF-8 and were repaired.
    public var repairedInputs: Int
}

/// Everything one training run produced and measured.
public struct TrainingOutcome: Sendable {
    public var vocabulary: TrainedVocabulary
    public var corpus: CorpusStatistics
    public var phases: PhaseTimings
    public var wallSeconds: Double
    public var peakRSSBytes: Int
    /// Files written, in the order written.
    public var writtenFiles: [String]
    /// Merges the vocabulary size asked for.
    public var requestedMerges: Int
    /// When each work unit ran on which worker, and the merge loop's progress.
    public var timeline = TrainingTimeline()
}

extension TrainingOutcome {
    /// The outcome of training to `size` instead (merges are learned greedily, so its merges
    /// are a prefix of these), special tokens renumbered after the kept merges.
    public func truncated(toVocabularySize size: Int) -> TrainingOutcome {
        let keep = min(vocabulary.merges.count, max(0, size - 256 - vocabulary.specialTokens.count))
        if keep == vocabulary.merges.count && size >= vocabulary.size { return self }
        var copy = self
        copy.vocabulary = TrainedVocabulary(
            tokens: Array(vocabulary.tokens.prefix(256 + keep)), merges: Array(vocabulary.merges.prefix(keep)),
            specialTokens: vocabulary.specialTokens)
        copy.requestedMerges = size - 256 - vocabulary.specialTokens.count
        return copy
    }
}
