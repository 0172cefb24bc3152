@_spi(Plumbing) import BPECore
import BPEFormats

/// Every setting of one training run. `validate()` checks the values; `Training.run` also
/// checks the output settings before it trains.
public struct TrainConfiguration: Sendable {
    /// Input paths; `-` is standard input. Ignored by `Training.learn(documents:)`.
    public var inputs: [String]
    /// Word-count files (`WordCountFiles`) to train from instead of `inputs` (merged on the
    /// fly); their pattern, special tokens and split must be this configuration's.
    public var counts: [String] = []
    /// Total vocabulary: 256 bytes + merges + special tokens.
    public var vocabSize: Int
    /// A vocabulary to extend (`.tiktoken`, `.model`, `tokenizer.json` in SPEC §5's layout):
    /// its tokens keep their ids and merges, which are applied to the new corpus's words in
    /// rank order; new merges follow, then the special tokens. `vocabSize` counts all.
    public var extend: String? = nil
    /// Where `Training.run` writes the run's timeline in Chrome's trace-event format (phases,
    /// each split worker's work units, merges per second), if anywhere.
    public var trace: String? = nil
    /// Several vocabulary sizes from one run (`Training.run` writes `output-SIZE.*` for each):
    /// training goes to the largest, which must be `vocabSize`; each smaller one is a prefix of
    /// its merges, as a separate run to that size would learn.
    public var vocabSizes: [Int] = []
    /// The split pattern: a preset name (`gpt2`, `gpt4`, `o200k`) or a regex.
    public var pattern: String = SplitPattern.gpt4.name
    /// Which engine runs the pattern: a preset's scanner (tiktoken's words, Unicode 16.0) by
    /// default, or PCRE2 for every pattern.
    public var splitEngine: SplitEngine = .automatic
    public var specialTokens: [String] = []
    /// Merging stops when the best pair occurs fewer times than this.
    public var minFrequency: Int = 2
    /// A pair whose merged token would be longer than this many bytes is never chosen.
    public var maxTokenLength: Int? = nil
    /// Which pair wins among pairs of equal count: SPEC §4's greatest bytes (`cs336`) or
    /// rustbpe's smallest ids.
    public var tieBreak: TieBreak = .greatestBytes
    public var threads: Int = TrainConfiguration.defaultThreadCount
    /// Target size of one work unit of the split+count phase; never changes the result.
    public var shardBytes: Int = 1 << 20
    /// The prefix of the files `Training.run` writes (`PREFIX.tiktoken`, ...).
    public var output: String = "tokenizer"
    public var formats: [OutputFormat] = [.tiktoken, .minbpe]
    public var invalidUTF8: InvalidUTF8Policy = .error
    /// Plain text (default) or JSON Lines documents; gzip and zstd inputs are read either way.
    public var inputFormat: InputFormat = .text
    /// The merge loop rewrites a merge's words in blocks of this many, which the threads take
    /// in turn (a merge of more than one block is shared). Tuning only (tests lower it to 1 to
    /// exercise the sharing); never changes the result.
    package var mergeBlockWords = MergeTrainer.defaultBlockWords
    /// How far past its end a work unit's split may read, at least, before what is left is
    /// finished serially (`WorkPlan.minimumLookahead`). Tuning only (tests lower it to
    /// exercise `SegmentRepair`); never changes the result.
    package var minimumLookahead = WorkPlan.defaultMinimumLookahead

    public init(inputs: [String], vocabSize: Int) {
        self.inputs = inputs
        self.vocabSize = vocabSize
    }

    /// All cores the process may run on.
    public static var defaultThreadCount: Int { Processors.available }

    /// The number of merges this vocabulary size leaves room for.
    public var mergeCount: Int { vocabSize - 256 - specialTokens.count }

    /// The regex that splits text into words.
    public var resolvedPattern: String { SplitPattern.resolve(pattern) }

    /// Checks every value that training reads (not `inputs`, not the output settings);
    /// throws the first problem found.
    public func validate() throws(TrainingError) {
        if !vocabSizes.isEmpty {
            if vocabSizes.max() != vocabSize {
                throw .invalidSetting(.vocabSizes, value: vocabSizes.map(String.init).joined(separator: ","),
                                      reason: "the largest size must be the vocabulary size trained (\(vocabSize))")
            }
            if let small = vocabSizes.first(where: { $0 < 256 + specialTokens.count }) {
                throw .invalidSetting(.vocabSizes, value: String(small),
                                      reason: "too small: at least \(256 + specialTokens.count) (256 bytes + \(specialTokens.count) special token(s))")
            }
            if Set(vocabSizes).count != vocabSizes.count {
                throw .invalidSetting(.vocabSizes, value: vocabSizes.map(String.init).joined(separator: ","), reason: "a size is given twice")
            }
        }
        if mergeCount < 0 {
            throw .vocabularyTooSmall(vocabSize: vocabSize, specialTokens: specialTokens.count)
        }
        if minFrequency < 0 {
            throw .invalidSetting(.minFrequency, value: "\(minFrequency)", reason: "must be 0 or more")
        }
        if let length = maxTokenLength, length < 1 {
            throw .invalidSetting(.maxTokenLength, value: "\(length)", reason: "must be 1 or more")
        }
        if threads < 1 {
            throw .invalidSetting(.threads, value: "\(threads)", reason: "must be 1 or more")
        }
        if shardBytes < 1 {
            throw .invalidSetting(.shardBytes, value: "\(shardBytes)", reason: "must be 1 or more")
        }
        if case let .jsonl(field) = inputFormat, field.isEmpty {
            throw .invalidSetting(.textField, value: field, reason: "name the JSON field that holds the text")
        }
        if resolvedPattern.isEmpty {
            throw .invalidSetting(.pattern, value: pattern, reason: "the pattern is empty")
        }
        var seen = Set<[UInt8]>()
        for token in specialTokens {
            if token.isEmpty {
                throw .invalidSetting(.specialTokens, value: token, reason: "a special token cannot be empty")
            }
            if !seen.insert(Array(token.utf8)).inserted {
                throw .invalidSetting(.specialTokens, value: token, reason: "given twice")
            }
        }
    }

    /// Checks what reading files needs: at least one input.
    func validateInputs() throws(TrainingError) {
        if !counts.isEmpty && !inputs.isEmpty {
            throw .invalidSetting(.counts, value: counts.joined(separator: " "),
                                  reason: "train from input files or from count files, not both (count the inputs with bpe count)")
        }
        if inputs.isEmpty && counts.isEmpty {
            throw .invalidSetting(.inputs, value: "", reason: "give at least one input file")
        }
    }

    /// Whether Python's `str.split()` (minbpe's `.model` reader) splits at `scalar`.
    static func splitsMinbpeLine(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    /// Checks the settings of the files `Training.run` writes.
    func validateOutputs() throws(TrainingError) {
        if output.isEmpty {
            throw .invalidSetting(.output, value: output, reason: "the prefix is empty")
        }
        if output.hasSuffix("/") {
            throw .invalidSetting(
                .output, value: output, reason: "the prefix ends with '/'; name the files too (for example \(output)tokenizer)")
        }
        if let type = FileAccess.type(at: output), type != .regular, type != .directory {
            throw .invalidSetting(
                .output, value: output,
                reason: "it is a device or a pipe, not a path prefix (PREFIX.tiktoken, PREFIX.train.json, ... are written)")
        }
        // minbpe's loader reads `TOKEN ID` lines split at white space (Python's `str.split()`).
        if formats.contains(.minbpe), let token = specialTokens.first(where: { $0.unicodeScalars.contains(where: Self.splitsMinbpeLine) }) {
            throw .invalidSetting(
                .specialTokens, value: token,
                reason: "minbpe's .model cannot hold a special token with white space or a line break; leave out the minbpe format")
        }
        if formats.contains(.minbpe), resolvedPattern.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw .invalidSetting(
                .pattern, value: pattern,
                reason: "minbpe's .model stores the pattern on one line; write line breaks as \\n")
        }
    }
}
