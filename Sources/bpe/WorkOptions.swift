import ArgumentParser
import BPE
@_spi(Plumbing) import BPECore

/// How a command reads its text and spreads the work: the options `train`, `encode`, `eval`
/// and `split-throughput` share, declared once.
struct WorkOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: all cores). Never changes the result.")
    var threads: Int?

    @Option(name: .long, help: "Target bytes per work unit (tuning; never changes the result).")
    var shardBytes: Int = 1 << 20

    @Option(name: .customLong("invalid-utf8"), help: "On invalid UTF-8: 'error' (stop, naming the byte offset) or 'replace' (with U+FFFD).")
    var invalidUTF8: String = "error"

    @Option(name: .long, help: ArgumentHelp(
        "'text' (the file is the text) or 'jsonl' (one JSON object per line, one document each, its text in "
            + "--text-field; no word spans two documents). gzip and zstd files are read either way.",
        valueName: "format"))
    var inputFormat: String = "text"

    @Option(name: .long, help: ArgumentHelp("The JSON field holding each document's text (--input-format jsonl).", valueName: "name"))
    var textField: String = "text"

    @Option(name: .long, help: ArgumentHelp(
        "What runs the split pattern: 'auto' (the gpt2/gpt4/o200k presets on their own scanners, tiktoken's "
            + "words on Unicode 16; PCRE2 for other patterns) or 'pcre2' (PCRE2 for all, for comparisons).",
        valueName: "engine"))
    var splitEngine: String = SplitEngine.automatic.rawValue

    /// The thread count, checked.
    func threadCount() throws -> Int {
        if let threads, threads < 1 { throw InvalidValue(option: "--threads", value: String(threads), reason: "must be 1 or more") }
        return threads ?? TrainConfiguration.defaultThreadCount
    }

    /// The shard size, checked.
    func checkedShardBytes() throws -> Int {
        if shardBytes < 1 { throw InvalidValue(option: "--shard-bytes", value: String(shardBytes), reason: "must be 1 or more") }
        return shardBytes
    }

    /// The `--input-format` and `--text-field` choice, checked (exit 1 on a bad value).
    func checkedInputFormat() throws -> InputFormat {
        switch inputFormat.lowercased() {
        case "text": return .text
        case "jsonl", "json-lines", "ndjson":
            if textField.isEmpty { throw InvalidValue(option: "--text-field", value: textField, reason: "name the JSON field") }
            return .jsonl(textField: textField)
        default:
            throw InvalidValue(option: "--input-format", value: inputFormat, reason: "choose 'text' or 'jsonl'")
        }
    }

    /// The `--split-engine` choice, checked (exit 1 on a bad value, as for `--invalid-utf8`).
    func checkedSplitEngine() throws -> SplitEngine {
        guard let engine = SplitEngine(rawValue: splitEngine) else {
            throw InvalidValue(option: "--split-engine", value: splitEngine, reason: "choose 'auto' or 'pcre2'")
        }
        return engine
    }

    /// The `--invalid-utf8` policy. Parsed here rather than as an `ExpressibleByArgument`
    /// value: SPEC §7 makes a bad value exit 1, and the argument parser's own errors exit 64.
    func invalidUTF8Policy() throws -> InvalidUTF8Policy {
        guard let policy = InvalidUTF8Policy(rawValue: invalidUTF8) else {
            throw InvalidValue(option: "--invalid-utf8", value: invalidUTF8, reason: "choose 'error' or 'replace'")
        }
        return policy
    }
}

/// The split options of the commands that split text with a pattern of their own choosing.
struct SplitOptions: ParsableArguments {
    @Option(name: .long, help: "Split pattern: gpt2, gpt4 (cl100k), o200k, or a PCRE2 regex (default: gpt4; with --counts, the files').")
    var pattern: String?

    /// The pattern given, or gpt4.
    var patternOrDefault: String { pattern ?? "gpt4" }

    @Option(name: .long, help: ArgumentHelp("A special token (repeatable): split at, never merged.", valueName: "token"))
    var specialToken: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "A file of special tokens, one per line (UTF-8; LF or CRLF), after those of --special-token. "
            + "For long lists: thousands of --special-token options are slow to parse.", valueName: "file"))
    var specialTokensFile: String?

    /// The `--special-token` values, then the lines of `--special-tokens-file` (empty lines
    /// skipped).
    func specialTokens() throws -> [String] {
        guard let specialTokensFile else { return specialToken }
        guard let text = String(validating: try CorpusFile.contents(of: specialTokensFile), as: UTF8.self) else {
            throw InvalidValue(option: "--special-tokens-file", value: specialTokensFile, reason: "it is not UTF-8 text")
        }
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        return specialToken + lines.map(String.init)
    }
}

extension SplitOptions {
    /// Whether `--special-token` or `--special-tokens-file` was given.
    var givesSpecialTokens: Bool { !specialToken.isEmpty || specialTokensFile != nil }
}

extension TrainConfiguration {
    /// The options every command that reads and splits text shares: the split options and
    /// the work options, checked.
    mutating func apply(_ split: SplitOptions, _ work: WorkOptions) throws {
        pattern = split.patternOrDefault
        specialTokens = try split.specialTokens()
        threads = try work.threadCount()
        shardBytes = try work.checkedShardBytes()
        invalidUTF8 = try work.invalidUTF8Policy()
        inputFormat = try work.checkedInputFormat()
        splitEngine = try work.checkedSplitEngine()
    }

    /// The pattern and special tokens a vocabulary or count file carries, for those the
    /// command line did not give.
    mutating func adopt(pattern carried: String?, specialTokens carriedTokens: [String], unless split: SplitOptions) {
        if split.pattern == nil, let carried { pattern = carried }
        if !split.givesSpecialTokens { specialTokens = carriedTokens }
    }
}
