import ArgumentParser
import BPE
import Glibc

/// `bpe train` (SPEC §7): parses options, runs `Training.run`, reports on stderr.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn a byte-level BPE vocabulary from text files."
    )

    @Option(name: .long, help: ArgumentHelp("An input file (repeatable); '-' reads standard input.", valueName: "file"))
    var input: [String] = []

    @Option(name: .long, help: "Total vocabulary size: 256 bytes + merges + special tokens.")
    var vocabSize: Int

    @Option(name: .long, help: "Split pattern: gpt2, gpt4 (cl100k), o200k, or a PCRE2 regex.")
    var pattern: String = "gpt4"

    @Option(name: .long, help: ArgumentHelp("A special token (repeatable): split at, never merged.", valueName: "token"))
    var specialToken: [String] = []

    @Option(name: .long, help: "Stop when the best pair occurs fewer times than this.")
    var minFrequency: Int = 2

    @Option(name: .long, help: "Never create a token longer than this many bytes.")
    var maxTokenLength: Int?

    @Option(name: .long, help: "Worker threads for splitting and counting (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "Target bytes per work unit (tuning; never changes the result).")
    var shardBytes: Int = 1 << 20

    @Option(name: .long, help: "Output path prefix: PREFIX.tiktoken, PREFIX.model, ...")
    var output: String = "tokenizer"

    @Option(name: .long, help: "Comma-separated output formats: tiktoken, minbpe.")
    var format: String = "tiktoken,minbpe"

    @Option(name: .customLong("invalid-utf8"), help: "On invalid UTF-8: 'error' (default) or 'replace' with U+FFFD.")
    var invalidUTF8: String = "error"

    @Flag(name: .long, help: "Print the per-phase time table.")
    var profile = false

    @Flag(name: .long, help: "Print nothing but errors (and the profile if asked).")
    var quiet = false

    func validate() throws {
        if input.isEmpty { throw ValidationError("Missing expected argument '--input <file>'") }
    }

    func run() throws {
        do {
            let outcome = try Training.run(try makeConfiguration(), progress: progressReporter())
            report(outcome)
        } catch {
            ProgressLine.clear()
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }

    private func makeConfiguration() throws(TrainError) -> TrainConfiguration {
        var configuration = TrainConfiguration(inputs: input, vocabSize: vocabSize)
        configuration.pattern = pattern
        configuration.specialTokens = specialToken
        configuration.minFrequency = minFrequency
        configuration.maxTokenLength = maxTokenLength
        configuration.threads = threads ?? TrainConfiguration.defaultThreadCount
        configuration.shardBytes = shardBytes
        configuration.output = output
        configuration.formats = try OutputFormat.parseList(format)
        guard let policy = InvalidUTF8Policy(rawValue: invalidUTF8) else {
            throw .invalidValue(option: "--invalid-utf8", value: invalidUTF8, reason: "choose 'error' or 'replace'")
        }
        configuration.invalidUTF8 = policy
        return configuration
    }

    private func progressReporter() -> (@Sendable (TrainingProgress) -> Void)? {
        guard !quiet, isatty(STDERR_FILENO) != 0 else { return nil }
        return { event in
            switch event {
            case let .phaseStarted(phase): ProgressLine.show("\(phase.label)…")
            case let .bytes(done, total):
                ProgressLine.show("split+count: \(done * 100 / max(1, total))% of \(total / 1_000_000) MB")
            case let .merges(done, total): ProgressLine.show("merge loop: \(done) / \(total) merges")
            }
        }
    }

    private func report(_ outcome: TrainingOutcome) {
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
                from \(input.count) input(s): \(corpus.bytes) bytes, \(corpus.words) words, \
                \(corpus.uniqueWords) unique, in \(ProfileTable.fixed(outcome.wallSeconds, 2)) s
                """)
            for path in outcome.writtenFiles { printError("wrote \(path)") }
        }
        if profile { printError(ProfileTable.render(outcome), terminator: "") }
    }
}
