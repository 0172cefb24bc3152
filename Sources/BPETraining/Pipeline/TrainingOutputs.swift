@_spi(Plumbing) import BPECore
import BPEFormats

/// The files of SPEC §6 for a finished run, written all or none (`AtomicFileSet`).
enum TrainingOutputs {
    /// Renders every requested format plus `PREFIX.train.json` and writes them. The time of
    /// the write phase in `train.json` is that of rendering the others (it cannot time itself).
    static func write(
        _ outcome: TrainingOutcome, configuration: TrainConfiguration, startedAt: Double
    ) throws(TrainingError) -> [String] {
        let renderStart = PhaseTimings.now()
        let prefix = configuration.output
        let vocabulary = outcome.vocabulary
        var files: [(path: String, contents: [UInt8])] = []
        for format in configuration.formats {
            switch format {
            case .tiktoken:
                files.append(("\(prefix).tiktoken", TiktokenFormat.render(vocabulary)))
            case .minbpe:
                files.append(("\(prefix).model", MinbpeFormat.model(vocabulary, pattern: configuration.resolvedPattern)))
                files.append(("\(prefix).vocab", MinbpeFormat.vocab(vocabulary)))
            }
        }
        var phases = outcome.phases
        phases.record(.write, seconds: PhaseTimings.now() - renderStart)
        let report = self.report(outcome, phases: phases, configuration: configuration,
                                 wallSeconds: PhaseTimings.now() - startedAt)
        files.append(("\(prefix).train.json", report.render()))
        do { return try AtomicFileSet.write(files) } catch { throw .output(error) }
    }

    /// What `train.json` says of a run.
    static func report(
        _ outcome: TrainingOutcome, phases: PhaseTimings, configuration: TrainConfiguration, wallSeconds: Double
    ) -> TrainReport {
        let vocabulary = outcome.vocabulary
        return TrainReport(
            pattern: configuration.resolvedPattern,
            specialTokens: Dictionary(uniqueKeysWithValues: vocabulary.specialTokens.enumerated().map {
                ($0.element, Int(vocabulary.specialTokenID($0.offset)))
            }),
            vocabSize: vocabulary.size,
            settings: TrainReport.Settings(
                inputs: configuration.inputs, vocabSize: configuration.vocabSize, pattern: configuration.pattern,
                specialTokens: configuration.specialTokens, minFrequency: configuration.minFrequency,
                maxTokenLength: configuration.maxTokenLength, threads: configuration.threads,
                shardBytes: configuration.shardBytes, output: configuration.output,
                format: configuration.formats.map(\.rawValue), invalidUTF8: configuration.invalidUTF8.rawValue),
            corpus: TrainReport.Corpus(
                bytes: outcome.corpus.bytes, words: outcome.corpus.words, uniqueWords: outcome.corpus.uniqueWords,
                specialTokens: outcome.corpus.specialTokenOccurrences, repairedInputs: outcome.corpus.repairedInputs),
            merges: vocabulary.merges.count,
            requestedMerges: outcome.requestedMerges,
            phases: Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0.rawValue, phases[$0]) }),
            wallSeconds: wallSeconds,
            peakRSSBytes: peakResidentBytes())
    }
}
