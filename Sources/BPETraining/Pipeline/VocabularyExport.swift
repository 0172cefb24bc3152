@_spi(Plumbing) import BPECore
import BPEFormats

/// Writes a vocabulary's files (SPEC §6) without a training run: `PREFIX.tiktoken`,
/// `PREFIX.model` + `PREFIX.vocab`, `PREFIX.tokenizer.json`, all or none (temporary files,
/// then renames). No `train.json`: nothing was trained here.
public enum VocabularyExport {
    /// - Parameter pattern: a preset name or a regex (written resolved, as `bpe train` does).
    /// - Returns: the paths written, in order.
    public static func write(
        _ vocabulary: TrainedVocabulary, pattern: String, prefix: String, formats: [OutputFormat]
    ) throws(TrainingError) -> [String] {
        var configuration = TrainConfiguration(inputs: [], vocabSize: vocabulary.size)
        configuration.pattern = pattern
        configuration.specialTokens = vocabulary.specialTokens
        configuration.output = prefix
        configuration.formats = formats
        try configuration.validateOutputs()
        try TrainingOutputs.checkTargets(configuration)
        let resolved = configuration.resolvedPattern
        var files: [(path: String, contents: [UInt8])] = []
        for (path, kind) in TrainingOutputs.targets(configuration) {
            switch kind {
            case .tiktoken: files.append((path, TiktokenFormat.render(vocabulary)))
            case .minbpeModel: files.append((path, MinbpeFormat.model(vocabulary, pattern: resolved)))
            case .minbpeVocab: files.append((path, MinbpeFormat.vocab(vocabulary)))
            case .huggingFace: files.append((path, HuggingFaceFormat.render(vocabulary, pattern: resolved)))
            case .report: break
            }
        }
        do { return try AtomicFileSet.write(files) } catch { throw .output(error) }
    }

    /// The files of a training run done through the library (`DocumentCounter.learn`,
    /// `Training.learn`), `PREFIX.train.json` included, as `bpe train` writes them.
    public static func write(
        _ outcome: TrainingOutcome, configuration: TrainConfiguration, prefix: String, formats: [OutputFormat]
    ) throws(TrainingError) -> [String] {
        var configuration = configuration
        configuration.output = prefix
        configuration.formats = formats
        try configuration.validateOutputs()
        try TrainingOutputs.checkTargets(configuration)
        return try TrainingOutputs.write(outcome, configuration: configuration, startedAt: PhaseTimings.now() - outcome.wallSeconds)
    }

    /// The `train.json` of a run done through the library, as bytes (UTF-8 JSON).
    public static func report(_ outcome: TrainingOutcome, configuration: TrainConfiguration) -> [UInt8] {
        TrainingOutputs.report(outcome, phases: outcome.phases, configuration: configuration, wallSeconds: outcome.wallSeconds)
            .render()
    }
}
