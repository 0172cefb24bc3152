@_spi(Plumbing) import BPECore

/// The split phase measured on its own: what `bpe split-throughput` reports, and how the
/// benchmarks compare counting with the regex floor at the same thread count.
public enum SplitThroughput {
    public struct Result: Sendable {
        /// Bytes of the inputs.
        public var bytes: Int
        /// Words the pattern produced.
        public var words: Int64
        /// Distinct words, when they were counted.
        public var uniqueWords: Int?
        /// Seconds of the split (+count) phase alone, excluding reading and validation.
        public var seconds: Double

        public var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
    }

    /// Reads and validates the inputs of `configuration`, then splits them with its pattern,
    /// special tokens, threads and shard size, counting the words into tables only when
    /// `counting` is true. Nothing is written.
    public static func measure(_ configuration: TrainConfiguration, counting: Bool) throws(TrainingError) -> Result {
        var configuration = configuration
        configuration.vocabSize = max(configuration.vocabSize, 256 + configuration.specialTokens.count)
        try configuration.validate()
        try configuration.validateInputs()
        let pattern = try Training.compile(configuration)
        let (files, plan, _) = try Training.readInputs(configuration)
        do throws(PatternError) {
            return try measure(files: files, plan: plan, pattern: pattern, threads: configuration.threads, counting: counting)
        } catch {
            throw .pattern(error)
        }
    }

    private static func measure(
        files: [CorpusFile], plan: WorkPlan, pattern: CompiledPattern, threads: Int, counting: Bool
    ) throws(PatternError) -> Result {
        let bytes = files.reduce(0) { $0 + $1.bytes.count }
        let start = PhaseTimings.now()
        if counting {
            let tables = try ParallelWordCounter.count(
                files: files, plan: plan, pattern: pattern, threads: threads)
            let seconds = PhaseTimings.now() - start
            for table in tables.dropFirst() { tables[0].merge(table) }
            var words: Int64 = 0
            var unique = 0
            tables[0].forEach { _, count in
                words += count
                unique += 1
            }
            return Result(bytes: bytes, words: words, uniqueWords: unique, seconds: seconds)
        }
        let tallies = try ParallelWordCounter.split(
            files: files, plan: plan, pattern: pattern, threads: threads) { WordTally() }
        let seconds = PhaseTimings.now() - start
        return Result(bytes: bytes, words: tallies.reduce(0) { $0 + $1.words }, uniqueWords: nil, seconds: seconds)
    }
}
