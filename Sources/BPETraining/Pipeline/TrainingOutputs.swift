@_spi(Plumbing) import BPECore
import BPEFormats

/// The files of SPEC §6 for a finished run, written all or none (`AtomicFileSet`).
enum TrainingOutputs {
    /// Renders every requested format plus `PREFIX.train.json` and writes them. The time of
    /// the write phase in `train.json` is that of rendering the others (it cannot time itself).
    static func write(
        _ outcome: TrainingOutcome, configuration: TrainConfiguration, startedAt: Double
    ) throws(TrainingError) -> [String] {
        var files: [(path: String, contents: [UInt8])] = []
        for (size, sized) in configuration.outputsBySize {
            files += render(outcome.truncated(toVocabularySize: size), configuration: sized, startedAt: startedAt)
        }
        if let trace = configuration.trace {
            files.append((trace, outcome.timeline.chromeTrace(phases: outcome.phases, startedAt: startedAt)))
        }
        do { return try AtomicFileSet.write(files) } catch { throw .output(error) }
    }

    /// The files of one vocabulary: every requested format plus `PREFIX.train.json`. The time
    /// of the write phase in `train.json` is that of rendering the others (it cannot time itself).
    static func render(
        _ outcome: TrainingOutcome, configuration: TrainConfiguration, startedAt: Double
    ) -> [(path: String, contents: [UInt8])] {
        let renderStart = PhaseTimings.now()
        let vocabulary = outcome.vocabulary
        var files: [(path: String, contents: [UInt8])] = []
        for (path, kind) in targets(configuration) {
            switch kind {
            case .tiktoken: files.append((path, TiktokenFormat.render(vocabulary)))
            case .minbpeModel: files.append((path, MinbpeFormat.model(vocabulary, pattern: configuration.resolvedPattern)))
            case .minbpeVocab: files.append((path, MinbpeFormat.vocab(vocabulary)))
            case .huggingFace: files.append((path, HuggingFaceFormat.render(vocabulary, pattern: configuration.resolvedPattern)))
            case .report: break  // rendered last, when every other file's time is known
            }
        }
        var phases = outcome.phases
        phases.record(.write, seconds: PhaseTimings.now() - renderStart)
        let report = self.report(outcome, phases: phases, configuration: configuration,
                                 wallSeconds: PhaseTimings.now() - startedAt)
        files.append(("\(configuration.output).train.json", report.render()))
        return files
    }

    enum Kind { case tiktoken, minbpeModel, minbpeVocab, huggingFace, report }

    /// Every file a run of `configuration` writes, in the order written.
    static func targets(_ configuration: TrainConfiguration) -> [(path: String, kind: Kind)] {
        let prefix = configuration.output
        var targets: [(path: String, kind: Kind)] = []
        for format in configuration.formats {
            switch format {
            case .tiktoken: targets.append(("\(prefix).tiktoken", .tiktoken))
            case .minbpe: targets += [("\(prefix).model", .minbpeModel), ("\(prefix).vocab", .minbpeVocab)]
            case .hf: targets.append(("\(prefix).tokenizer.json", .huggingFace))
            }
        }
        return targets + [("\(prefix).train.json", .report)]
    }

    /// Fails, before any training, if a file cannot be created next to the prefix or if one
    /// of the targets exists and is not a regular file (a directory there would make a rename
    /// fail after the others were done, breaking "all or none").
    static func checkTargets(_ configuration: TrainConfiguration) throws(TrainingError) {
        do {
            try AtomicFileSet.checkCreatable(prefix: configuration.output, reportedAs: "\(configuration.output).*")
        } catch {
            throw .output(error)
        }
        let traceTarget = configuration.trace.map { [(path: $0, kind: Kind.report)] } ?? []
        for target in configuration.outputsBySize.flatMap({ targets($0.configuration) }) + traceTarget {
            if let type = FileAccess.type(at: target.path), type != .regular {
                throw .output(FileError(
                    path: target.path, direction: .writing,
                    reason: type == .directory ? "it is a directory" : "it exists and is not a regular file"))
            }
        }
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
                format: configuration.formats.map(\.rawValue), invalidUTF8: configuration.invalidUTF8.rawValue,
                tieBreak: configuration.tieBreak.rawValue),
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

extension TrainConfiguration {
    /// Each vocabulary size to write, with the settings of its files: one, `output` itself,
    /// or with `vocabSizes` one per size, `output-SIZE`, in ascending order.
    var outputsBySize: [(size: Int, configuration: TrainConfiguration)] {
        if vocabSizes.isEmpty { return [(vocabSize, self)] }
        return vocabSizes.sorted().map { size in
            var sized = self
            sized.vocabSize = size
            sized.vocabSizes = []
            sized.output = "\(output)-\(size)"
            return (size, sized)
        }
    }
}
