import ArgumentParser
import BPE
import Foundation

/// `bpe train` (SPEC §7): parses options, runs `Training.run`, reports on stderr.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn a byte-level BPE vocabulary from text files."
    )

    @Option(name: .long, help: ArgumentHelp("An input file (repeatable); '-' reads standard input.", valueName: "file"))
    var input: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "Train from word-count files (bpe count) instead of --input, merged on the fly.", valueName: "file"))
    var counts: [String] = []

    @Option(name: .long, help: "Total vocabulary size: 256 bytes + merges + special tokens.")
    var vocabSize: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Several sizes from one run, comma-separated (8192,16384,32768): trains to the largest and writes PREFIX-SIZE.* for each.",
        valueName: "list"))
    var vocabSizes: String?

    @OptionGroup var split: SplitOptions

    @Option(name: .long, help: "Stop when the best pair occurs fewer times than this.")
    var minFrequency: Int = 2

    @Option(name: .long, help: "Never create a token longer than this many bytes.")
    var maxTokenLength: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Extend this vocabulary (.tiktoken, .model, tokenizer.json): its ids and merges are kept, new merges follow.",
        valueName: "file"))
    var extend: String?

    @Option(name: .long, help: ArgumentHelp(
        "Which pair wins a tie of counts: cs336 (greatest bytes, SPEC §4) or rustbpe (smallest ids, as rustbpe 0.1.0).",
        valueName: "rule"))
    var tieBreak: String = TieBreak.greatestBytes.rawValue

    @OptionGroup var work: WorkOptions

    @Option(name: .long, help: "Output path prefix: PREFIX.tiktoken, PREFIX.model, ...")
    var output: String = "tokenizer"

    @Option(name: .long, help: "Comma-separated output formats: tiktoken, minbpe, hf (PREFIX.tokenizer.json).")
    var format: String = "tiktoken,minbpe"

    @Option(name: .long, help: ArgumentHelp(
        "Write the run's timeline (phases, each split worker's units, merges/s) in Chrome's trace-event format (Perfetto, chrome://tracing).",
        valueName: "file.json"))
    var trace: String?

    @Flag(name: .long, help: "Write PREFIX.report.html (always with --vocab-sizes): bytes/token per size (with --eval), token lengths, scripts, longest tokens, the run's profile.")
    var report = false

    @Option(name: .long, help: ArgumentHelp("Held-out text for the report's bytes per token (repeatable).", valueName: "file"))
    var eval: [String] = []

    @Flag(name: .long, help: "Print the per-phase time table.")
    var profile = false

    @Flag(name: .long, help: "Print nothing but errors (and the profile if asked).")
    var quiet = false

    func validate() throws {
        if input.isEmpty && counts.isEmpty { throw ValidationError("Missing expected argument '--input <file>' (or --counts)") }
        if vocabSize == nil && vocabSizes == nil { throw ValidationError("Missing expected argument '--vocab-size <vocab-size>'") }
    }

    /// `--vocab-sizes`, parsed (exit 1 on a bad value, as for other values).
    private func sizes() throws -> [Int] {
        guard let vocabSizes else { return [] }
        var sizes: [Int] = []
        for item in vocabSizes.split(separator: ",", omittingEmptySubsequences: true) {
            guard let size = Int(item.trimmingCharacters(in: .whitespaces)) else {
                throw InvalidValue(option: "--vocab-sizes", value: String(item), reason: "not a number")
            }
            sizes.append(size)
        }
        if sizes.isEmpty { throw InvalidValue(option: "--vocab-sizes", value: vocabSizes, reason: "name at least one size") }
        if let vocabSize, !sizes.contains(vocabSize) { sizes.append(vocabSize) }
        return sizes
    }

    func run() throws {
        try reportingErrors {
            let configuration = try makeConfiguration()
            var outcome = try Training.run(configuration, progress: progressReporter())
            if report || !configuration.vocabSizes.isEmpty || !eval.isEmpty {
                if !quiet { ProgressLine.show("report…") }
                outcome.writtenFiles.append(try RunReport.write(
                    outcome, configuration: configuration, evalPaths: eval, to: "\(configuration.output).report.html"))
            }
            summarize(outcome)
        }
    }

    private func makeConfiguration() throws -> TrainConfiguration {
        let sizes = try sizes()
        var configuration = TrainConfiguration(inputs: input, vocabSize: sizes.max() ?? vocabSize!)
        configuration.vocabSizes = sizes.count > 0 ? sizes : []
        configuration.counts = counts
        try configuration.apply(split, work)
        configuration.extend = extend
        configuration.trace = trace
        // Extending, or from count files, the pattern and special tokens not given are the
        // base vocabulary's or the files'.
        if split.pattern == nil || !split.givesSpecialTokens {
            if let extend {
                let (pattern, specials) = try BaseVocabulary.settings(path: extend)
                configuration.adopt(pattern: pattern, specialTokens: specials, unless: split)
            }
            if let first = counts.first {
                let header = try CountFileHeader.read(first)
                configuration.adopt(pattern: header.pattern, specialTokens: header.specialTokens, unless: split)
            }
        }
        configuration.minFrequency = minFrequency
        configuration.maxTokenLength = maxTokenLength
        guard let rule = TieBreak(rawValue: tieBreak.lowercased()) else {
            throw InvalidValue(option: "--tie-break", value: tieBreak, reason: "unknown rule (choose cs336 or rustbpe)")
        }
        configuration.tieBreak = rule
        configuration.output = output
        configuration.formats = try Self.formats(format)
        return configuration
    }

    /// Parses a comma-separated list such as `tiktoken,minbpe`, keeping the order given.
    static func formats(_ list: String) throws -> [OutputFormat] {
        var formats: [OutputFormat] = []
        for name in list.split(separator: ",", omittingEmptySubsequences: true) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let format = OutputFormat(rawValue: trimmed.lowercased()) else {
                throw InvalidValue(option: "--format", value: trimmed, reason: "unknown output format (choose from tiktoken, minbpe, hf)")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        if formats.isEmpty { throw InvalidValue(option: "--format", value: list, reason: "name at least one format") }
        return formats
    }

    private func progressReporter() -> (@Sendable (TrainingProgress) -> Void)? {
        guard !quiet, isatty(STDERR_FILENO) != 0 else { return nil }
        let clock = ProgressLine.PhaseClock()
        return { event in
            switch event {
            case let .phaseStarted(phase):
                clock.restart()
                ProgressLine.show("\(phase.label)…")
            case let .bytes(done, total):
                ProgressLine.show("split+count: \(done * 100 / max(1, total))% of \(total / 1_000_000) MB, "
                    + ProgressLine.eta(done: done, total: total, elapsed: clock.elapsed))
            case let .merges(done, total):
                // Later merges rewrite fewer words, so the estimate errs long.
                ProgressLine.show("merge loop: \(done) / \(total) merges, "
                    + ProgressLine.eta(done: done, total: total, elapsed: clock.elapsed))
            }
        }
    }

    private func summarize(_ outcome: TrainingOutcome) {
        ProgressLine.clear()
        let vocabulary = outcome.vocabulary
        let merges = vocabulary.merges.count
        if merges < outcome.requestedMerges {
            let why = outcome.corpus.words == 0
                ? "the corpus has no words"
                : "no eligible pair occurs at least \(max(1, minFrequency)) times"
            printError("note: learned \(merges) of \(outcome.requestedMerges) merges: \(why)")
        }
        if !quiet {
            let corpus = outcome.corpus
            printError("""
                trained \(vocabulary.size) tokens (256 bytes + \(merges) merges + \(vocabulary.specialTokens.count) special) \
                from \(counts.isEmpty ? "\(input.count) input(s): \(corpus.bytes) bytes" : "\(counts.count) count file(s)"), \(corpus.words) words, \
                \(corpus.uniqueWords) unique, in \(ProfileTable.fixed(outcome.wallSeconds, 2)) s
                """)
            for path in outcome.writtenFiles { printError("wrote \(path)") }
        }
        if profile { printError(ProfileTable.render(outcome), terminator: "") }
    }
}
