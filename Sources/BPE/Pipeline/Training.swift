/// Progress of a run, reported to the caller (the library itself never prints).
public enum TrainingProgress: Sendable {
    case phaseStarted(Phase)
    /// Bytes split and counted so far, of the total (reported by one worker, per work unit).
    case bytes(done: Int, of: Int)
    /// Merges learned so far, of the number requested.
    case merges(done: Int, of: Int)
}

/// `bpe train` as a library call: read, split+count, merge tables, init pairs, merge loop,
/// write. Each phase is timed for `--profile` and `train.json`.
public enum Training {
    /// Trains per `configuration` and writes its output files.
    public static func run(
        _ configuration: TrainConfiguration,
        progress: (@Sendable (TrainingProgress) -> Void)? = nil
    ) throws(TrainError) -> TrainingOutcome {
        let started = PhaseTimings.now()
        var outcome = try learn(configuration, progress: progress)
        progress?(.phaseStarted(.write))
        let finished = outcome
        var phases = outcome.phases
        outcome.writtenFiles = try phases.measure(.write) { () throws(TrainError) -> [String] in
            try OutputWriter.write(finished, configuration: configuration, startedAt: started)
        }
        outcome.phases = phases
        outcome.wallSeconds = PhaseTimings.now() - started
        outcome.peakRSSBytes = peakResidentBytes()
        return outcome
    }

    /// Trains per `configuration` without writing anything (tests, benchmarks, and `run`).
    public static func learn(
        _ configuration: TrainConfiguration,
        progress: (@Sendable (TrainingProgress) -> Void)? = nil
    ) throws(TrainError) -> TrainingOutcome {
        let started = PhaseTimings.now()
        try configuration.validate()
        let pattern = try CompiledPattern(configuration.resolvedPattern)
        try OutputWriter.checkWritable(prefix: configuration.output)
        var phases = PhaseTimings()
        let threads = configuration.threads

        progress?(.phaseStarted(.read))
        let (files, plan, repaired) = try phases.measure(.read) { () throws(TrainError) in
            try readInputs(configuration)
        }

        progress?(.phaseStarted(.splitCount))
        var byteProgress: (@Sendable (Int, Int) -> Void)? = nil
        if let progress { byteProgress = { done, total in progress(.bytes(done: done, of: total)) } }
        var tables = try phases.measure(.splitCount) { () throws(TrainError) in
            try ParallelWordCounter.count(
                files: files, plan: plan, pattern: pattern, threads: threads, progress: byteProgress)
        }

        progress?(.phaseStarted(.mergeTables))
        var wordTable: WordCountTable? = phases.measure(.mergeTables) {
            let merged = tables[0]
            for table in tables.dropFirst() { merged.merge(table) }
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

        progress?(.phaseStarted(.initPairs))
        var learner = phases.measure(.initPairs) {
            var learner = MergeLearner(wordCounts: wordTable!, configuration: configuration)
            wordTable = nil  // the learner holds its own copy of the words
            learner.countInitialPairs()
            return learner
        }

        progress?(.phaseStarted(.mergeLoop))
        let requested = configuration.mergeCount
        phases.measure(.mergeLoop) {
            learner.learn(
                mergeCount: requested,
                progress: progress.map { report in { report(.merges(done: $0, of: requested)) } })
        }

        let corpus = CorpusStatistics(
            bytes: files.reduce(0) { $0 + $1.bytes.count }, words: words, uniqueWords: uniqueWords,
            specialTokenOccurrences: plan.specialTokenCounts.reduce(0, +), repairedInputs: repaired)
        return TrainingOutcome(
            vocabulary: learner.vocabulary(specialTokens: configuration.specialTokens),
            corpus: corpus, phases: phases, wallSeconds: PhaseTimings.now() - started,
            peakRSSBytes: peakResidentBytes(), writtenFiles: [], requestedMerges: requested)
    }

    /// Reads every input (`InputReader`) and plans the work units.
    static func readInputs(
        _ configuration: TrainConfiguration
    ) throws(TrainError) -> ([CorpusFile], WorkPlan, Int) {
        let (files, occurrences, repaired) = try InputReader.read(
            configuration.inputs, specialTokens: configuration.specialTokens,
            invalidUTF8: configuration.invalidUTF8, threads: configuration.threads)
        let plan = WorkPlan(
            files: files, specialTokenOccurrences: occurrences.map { $0.map(\.range) }, shardBytes: configuration.shardBytes)
        return (files, plan, repaired)
    }
}
