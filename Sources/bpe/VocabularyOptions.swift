import ArgumentParser
import BPE

/// How `encode`, `decode` and `eval` complete a vocabulary file that lacks something.
struct VocabularyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("GPT-2's vocab.bpe, when --vocab is its encoder.json.", valueName: "file"))
    var merges: String?

    @Option(name: .long, help: "Split pattern (gpt2, gpt4, o200k, or a regex) of a vocabulary that names none (a bare .tiktoken).")
    var pattern: String?

    @Option(name: .long, help: ArgumentHelp(
        "A special token (repeatable): TOKEN=ID, or TOKEN for the next free id, when the vocabulary lacks it.",
        valueName: "token"))
    var specialToken: [String] = []

    func load(_ path: String, patternIsFallback: Bool = false, forDecodingOnly: Bool = false) throws(EncodeError) -> Tokenizer {
        try Tokenizer.load(
            path: path, merges: merges, pattern: pattern, specialTokens: specialToken,
            patternIsFallback: patternIsFallback, forDecodingOnly: forDecodingOnly)
    }
}

/// Options shared by the commands that encode text.
struct EncodingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Special tokens the text may contain: all, none (encode them as plain text), or TOKEN,TOKEN.... "
            + "By default a special token in the text is an error.", valueName: "tokens"))
    var allowSpecial: String?

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "Target bytes per work unit (tuning; never changes the ids).")
    var shardBytes: Int = 1 << 20

    @Option(name: .customLong("invalid-utf8"), help: "On invalid UTF-8: 'error' (default) or 'replace' with U+FFFD.")
    var invalidUTF8: String = "error"

    func settings() throws(EncodeError) -> EncodeSettings {
        if let threads, threads < 1 {
            throw .invalidValue(option: "--threads", value: String(threads), reason: "use at least 1")
        }
        if shardBytes < 1 {
            throw .invalidValue(option: "--shard-bytes", value: String(shardBytes), reason: "use at least 1")
        }
        var settings = EncodeSettings(threads: threads ?? TrainConfiguration.defaultThreadCount)
        settings.shardBytes = shardBytes
        if let allowSpecial { settings.specialTokens = SpecialTokenPolicy(parsing: allowSpecial) }
        guard let policy = InvalidUTF8Policy(rawValue: invalidUTF8) else {
            throw .invalidValue(option: "--invalid-utf8", value: invalidUTF8, reason: "choose 'error' or 'replace'")
        }
        settings.invalidUTF8 = policy
        return settings
    }
}

extension IDFormat: ExpressibleByArgument {}

/// Runs `body`; an `EncodeError` becomes `error: ...` on stderr and exit status 1.
func runReportingErrors(_ body: () throws(EncodeError) -> Void) throws {
    do {
        try body()
    } catch {
        ProgressLine.clear()
        printError("error: \(error)")
        throw ExitCode(1)
    }
}
