@_spi(Plumbing) import BPECore
import BPEFormats

/// Progress of a run, reported to the caller (the library itself never prints).
public enum TrainingProgress: Sendable {
    case phaseStarted(Phase)
    /// Bytes split and counted so far, of the total (reported by one worker, per work unit).
    case bytes(done: Int, of: Int)
    /// Merges learned so far, of the number requested.
    case merges(done: Int, of: Int)
}

/// Training as a library call: read, split+count, merge tables, init pairs, merge loop, and
/// (for `run`) write. Each phase is timed for the profile and `train.json`.
public enum Training {
    /// Trains per `configuration` on its input files and writes the output files (all or
    /// none; the output prefix is checked before training starts).
    public static func run(
        _ configuration: TrainConfiguration,
        progress: (@Sendable (TrainingProgress) -> Void)? = nil
    ) throws(TrainingError) -> TrainingOutcome {
        let started = PhaseTimings.now()
        try configuration.validate()
        try configuration.validateOutputs()
        _ = try compile(configuration)  // a pattern error comes before an output error
        try TrainingOutputs.checkTargets(configuration)
        var outcome = try learn(configuration, progress: progress)
        progress?(.phaseStarted(.write))
        let finished = outcome
        var phases = outcome.phases
        outcome.writtenFiles = try phases.measure(.write) { () throws(TrainingError) -> [String] in
            try TrainingOutputs.write(finished, configuration: configuration, startedAt: started)
        }
        outcome.phases = phases
        outcome.wallSeconds = PhaseTimings.now() - started
        outcome.peakRSSBytes = peakResidentBytes()
        return outcome
    }

    /// Trains per `configuration` on its input files; writes nothing.
    public static func learn(
        _ configuration: TrainConfiguration,
        progress: (@Sendable (TrainingProgress) -> Void)? = nil
    ) throws(TrainingError) -> TrainingOutcome {
        try configuration.validateInputs()
        if !configuration.counts.isEmpty { return try learnFromCounts(configuration, progress: progress) }
        return try learn(configuration, progress: progress) { () throws(InputError) in
            try InputReader.read(
                configuration.inputs, format: configuration.inputFormat, specialTokens: configuration.specialTokens,
                invalidUTF8: configuration.invalidUTF8, threads: configuration.threads)
        }
    }

    /// Trains per `configuration` on `documents` instead of its input files; writes nothing.
    /// Each document is split separately (no word spans two of them), as input files are, and
    /// its special tokens are boundaries as in a file. The result equals training on files
    /// holding the same texts.
    /// - Complexity: O(total bytes) to copy the documents, then as training on files.
    public static func learn<Documents: Sequence>(
        documents: Documents, configuration: TrainConfiguration,
        progress: (@Sendable (TrainingProgress) -> Void)? = nil
    ) throws(TrainingError) -> TrainingOutcome where Documents.Element == String {
        let files = documents.enumerated().map { CorpusFile.inMemory($0.element.utf8, path: "<document \($0.offset)>") }
        return try learn(configuration, progress: progress) { () throws(InputError) in
            try InputReader.prepare(
                files, specialTokens: configuration.specialTokens,
                invalidUTF8: configuration.invalidUTF8, threads: configuration.threads)
        }
    }

    /// Reads, splits and counts the inputs of `configuration`: the word counts training
    /// starts from, one table per worker (their sum is the corpus's; join them with
    /// `WordCounts.add(contentsOf:)`).
    public static func countWords(_ configuration: TrainConfiguration) throws(TrainingError) -> [WordCounts] {
        try configuration.validate()
        try configuration.validateInputs()
        let (files, plan, _) = try readInputs(configuration)
        let pattern = try compile(configuration)
        do {
            return try ParallelWordCounter.count(
                files: files, plan: plan, pattern: pattern, threads: configuration.threads
            ).map(WordCounts.init(table:))
        } catch {
            throw .pattern(error)
        }
    }

    /// The phases after the inputs are known; `read` maps, validates and scans them.
    private static func learn(
        _ configuration: TrainConfiguration,
        progress: (@Sendable (TrainingProgress) -> Void)?,
        read: () throws(InputError) -> (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int)
    ) throws(TrainingError) -> TrainingOutcome {
        let started = PhaseTimings.now()
        try configuration.validate()
        let pattern = try compile(configuration)
        var phases = PhaseTimings()
        let threads = configuration.threads

        progress?(.phaseStarted(.read))
        let (files, plan, repaired) = try phases.measure(.read) { () throws(TrainingError) in
            try Self.planWork(configuration, read)
        }

        progress?(.phaseStarted(.splitCount))
        var byteProgress: (@Sendable (Int, Int) -> Void)? = nil
        if let progress { byteProgress = { done, total in progress(.bytes(done: done, of: total)) } }
        let unitSpans = LockedValue<[TrainingTimeline.UnitSpan]>([])
        var tables = try phases.measure(.splitCount) { () throws(TrainingError) in
            do throws(PatternError) {
                return try ParallelWordCounter.count(
                    files: files, plan: plan, pattern: pattern, threads: threads, progress: byteProgress, units: unitSpans)
            } catch {
                throw .pattern(error)
            }
        }

        let bytes = files.reduce(0) { $0 + $1.bytes.count }
        let specialTokenOccurrences = plan.specialTokenCounts.reduce(0, +)
        var outcome = try learnMerges(
            from: &tables, configuration: configuration, phases: phases, startedAt: started, progress: progress
        ) { words, unique in
            CorpusStatistics(
                bytes: bytes, words: words, uniqueWords: unique, specialTokenOccurrences: specialTokenOccurrences,
                repairedInputs: repaired)
        }
        outcome.timeline.units = unitSpans.withLock { $0 }
        return outcome
    }

    /// Trains from the count files of `configuration` (merged into one table in the read
    /// phase), which must have been counted with its pattern, special tokens and split.
    static func learnFromCounts(
        _ configuration: TrainConfiguration, progress: (@Sendable (TrainingProgress) -> Void)?
    ) throws(TrainingError) -> TrainingOutcome {
        let started = PhaseTimings.now()
        try configuration.validate()
        let expected = try WordCountFiles.header(for: configuration)
        var phases = PhaseTimings()
        progress?(.phaseStarted(.read))
        if configuration.counts.count == 1 && configuration.extend == nil {
            // One file holds distinct words already: the learner copies them from the file
            // itself, checked once here, with no table in between.
            var file: CountFileWords? = try phases.measure(.read) { () throws(TrainingError) in
                // One part per core at most, as the learner has workers (each part costs the
                // copy a row of 65,536 places).
                try CountFileWords(path: configuration.counts[0], parts: min(configuration.threads, Processors.available))
            }
            let header = file!.header
            try checkCounted(header, as: expected, path: configuration.counts[0])
            // No table to merge: the checked header has the totals.
            let (words, uniqueWords) = (Int64(clamping: header.total), Int(clamping: header.words))
            // Held by `source` alone, so the mapping goes once the learner has the words.
            var source: MergeTrainer.WordSource? = .countFile(file!)
            file = nil
            return try learnMerges(
                from: &source, words: words, uniqueWords: uniqueWords, base: nil, configuration: configuration,
                phases: phases, startedAt: started, progress: progress
            ) { words, unique in
                CorpusStatistics(bytes: 0, words: words, uniqueWords: unique, specialTokenOccurrences: 0, repairedInputs: 0)
            }
        }
        // The table is held only by `tables`, which `learnMerges` empties once the learner has
        // copied the words: the words are never in memory twice for long.
        var tables: [WordCountTable] = []
        let header = try phases.measure(.read) { () throws(TrainingError) -> CountFileHeader in
            let (table, header) = try WordCountFiles.table(of: configuration.counts)
            tables = [table]
            return header
        }
        try checkCounted(header, as: expected, path: configuration.counts[0])
        return try learnMerges(from: &tables, configuration: configuration, phases: phases, startedAt: started, progress: progress) {
            words, unique in
            CorpusStatistics(bytes: 0, words: words, uniqueWords: unique, specialTokenOccurrences: 0, repairedInputs: 0)
        }
    }

    /// Refuses counts made with another pattern, special tokens or split than this run's.
    private static func checkCounted(
        _ header: CountFileHeader, as expected: CountFileHeader, path: String
    ) throws(TrainingError) {
        if let difference = header.difference(from: expected) {
            throw .counts(CountFileError(
                path: path,
                reason: "it was counted with \(difference) of this run; give the same --pattern and --special-token as bpe count had"))
        }
    }

    /// The phases after split+count: merge tables, init pairs, merge loop. `statistics` makes
    /// the corpus statistics from the total and distinct word counts.
    /// `tables` is emptied as soon as its words are merged into the first table, and that
    /// one is released once the learner has copied its words.
    static func learnMerges(
        from tables: inout [WordCountTable], configuration: TrainConfiguration, phases: PhaseTimings,
        startedAt started: Double, progress: (@Sendable (TrainingProgress) -> Void)?,
        statistics: (_ words: Int64, _ uniqueWords: Int) -> CorpusStatistics
    ) throws(TrainingError) -> TrainingOutcome {
        var phases = phases
        let base = try configuration.extend.map { path throws(TrainingError) in try BaseVocabulary.load(path: path).base }
        if let base, base.merges.count > configuration.mergeCount {
            throw .invalidSetting(
                .vocabSize, value: "\(configuration.vocabSize)",
                reason: "smaller than the vocabulary it extends (\(base.tokens.count) tokens + \(configuration.specialTokens.count) special)")
        }
        progress?(.phaseStarted(.mergeTables))
        var wordTable: WordCountTable? = phases.measure(.mergeTables) {
            let merged = tables[0]
            merged.merge(Array(tables.dropFirst()), threads: configuration.threads)
            tables = []  // free the other workers' tables now, not at the end of training
            return merged
        }
        let (words, uniqueWords) = phases.measure(.mergeTables) {
            var words: Int64 = 0
            var unique = 0
            wordTable!.forEach { _, count in
                words += count
                unique += 1
            }
            return (words, unique)
        }

        var source: MergeTrainer.WordSource? = .table(wordTable!)
        wordTable = nil
        return try learnMerges(
            from: &source, words: words, uniqueWords: uniqueWords, base: base, configuration: configuration,
            phases: phases, startedAt: started, progress: progress, statistics: statistics)
    }

    /// The phases from init pairs on, for the words of `source` (`words` of them in all,
    /// `uniqueWords` distinct), which is released once the learner has copied them.
    private static func learnMerges(
        from source: inout MergeTrainer.WordSource?, words: Int64, uniqueWords: Int, base: BaseVocabulary?,
        configuration: TrainConfiguration, phases: PhaseTimings, startedAt started: Double,
        progress: (@Sendable (TrainingProgress) -> Void)?,
        statistics: (_ words: Int64, _ uniqueWords: Int) -> CorpusStatistics
    ) throws(TrainingError) -> TrainingOutcome {
        var phases = phases
        progress?(.phaseStarted(.initPairs))
        let learner = phases.measure(.initPairs) {
            let learner = MergeLearner(
                words: source!, minFrequency: configuration.minFrequency,
                maxTokenLength: configuration.maxTokenLength, tieBreak: configuration.tieBreak,
                base: base, threads: configuration.threads,
                blockWords: configuration.mergeBlockWords)
            source = nil  // the learner holds its own copy of the words
            learner.countInitialPairs()
            return learner
        }

        progress?(.phaseStarted(.mergeLoop))
        let requested = configuration.mergeCount
        var samples: [(seconds: Double, merges: Int)] = []
        phases.measure(.mergeLoop) {
            samples.append((PhaseTimings.now(), 0))
            learner.learn(mergeCount: requested) { done in
                samples.append((PhaseTimings.now(), done))
                progress?(.merges(done: done, of: requested))
            }
        }
        var timeline = TrainingTimeline()
        timeline.mergeSamples = samples

        return TrainingOutcome(
            vocabulary: learner.vocabulary(specialTokens: configuration.specialTokens),
            corpus: statistics(words, uniqueWords), phases: phases, wallSeconds: PhaseTimings.now() - started,
            peakRSSBytes: peakResidentBytes(), writtenFiles: [], requestedMerges: requested, timeline: timeline)
    }

    /// The split pattern of `configuration`, compiled.
    static func compile(_ configuration: TrainConfiguration) throws(TrainingError) -> CompiledPattern {
        do { return try CompiledPattern(configuration.resolvedPattern, engine: configuration.splitEngine) } catch { throw .pattern(error) }
    }

    /// Reads every input file of `configuration` and plans the work units.
    static func readInputs(
        _ configuration: TrainConfiguration
    ) throws(TrainingError) -> ([CorpusFile], WorkPlan, Int) {
        try planWork(configuration) { () throws(InputError) in
            try InputReader.read(
                configuration.inputs, format: configuration.inputFormat, specialTokens: configuration.specialTokens,
                invalidUTF8: configuration.invalidUTF8, threads: configuration.threads)
        }
    }

    /// Reads the inputs with `read` and cuts them into work units of `shardBytes`.
    private static func planWork(
        _ configuration: TrainConfiguration,
        _ read: () throws(InputError) -> (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int)
    ) throws(TrainingError) -> ([CorpusFile], WorkPlan, Int) {
        let (files, occurrences, repaired): ([CorpusFile], [[SpecialTokenOccurrence]], Int)
        do { (files, occurrences, repaired) = try read() } catch { throw .input(error) }
        let plan = WorkPlan(
            files: files, specialTokenOccurrences: occurrences.map { $0.map(\.range) }, shardBytes: configuration.shardBytes,
            minimumLookahead: configuration.minimumLookahead)
        return (files, plan, repaired)
    }
}
