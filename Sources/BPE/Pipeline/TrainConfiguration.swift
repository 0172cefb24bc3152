import Foundation

/// What to do with bytes that are not valid UTF-8 (SPEC §1).
public enum InvalidUTF8Policy: String, Sendable, CaseIterable {
    /// Stop with an error naming the file and the byte offset of the first invalid sequence.
    case error
    /// Replace each maximal invalid subpart by U+FFFD, as Python's `errors="replace"` does.
    case replace
}

/// An output file family of SPEC §6.
public enum OutputFormat: String, Sendable, CaseIterable {
    case tiktoken
    case minbpe

    /// Parses a comma-separated list such as `tiktoken,minbpe`, keeping the order given.
    public static func parseList(_ list: String) throws(TrainError) -> [OutputFormat] {
        var formats: [OutputFormat] = []
        for name in list.split(separator: ",", omittingEmptySubsequences: true) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let format = OutputFormat(rawValue: trimmed.lowercased()) else {
                throw .unsupportedFormat(trimmed)
            }
            if !formats.contains(format) { formats.append(format) }
        }
        if formats.isEmpty {
            throw .invalidValue(option: "--format", value: list, reason: "name at least one format")
        }
        return formats
    }
}

/// Every setting of one `bpe train` run. `validate()` checks the values (exit code 1 errors).
public struct TrainConfiguration: Sendable {
    /// Input paths; `-` is standard input.
    public var inputs: [String]
    /// Total vocabulary: 256 bytes + merges + special tokens.
    public var vocabSize: Int
    /// The split pattern: a preset name (`gpt2`, `gpt4`, `o200k`) or a regex.
    public var pattern: String = SplitPattern.gpt4.name
    public var specialTokens: [String] = []
    /// Merging stops when the best pair occurs fewer times than this.
    public var minFrequency: Int = 2
    /// A pair whose merged token would be longer than this many bytes is never chosen.
    public var maxTokenLength: Int? = nil
    public var threads: Int = TrainConfiguration.defaultThreadCount
    /// Target size of one work unit of the split+count phase; never changes the result.
    public var shardBytes: Int = 1 << 20
    public var output: String = "tokenizer"
    public var formats: [OutputFormat] = [.tiktoken, .minbpe]
    public var invalidUTF8: InvalidUTF8Policy = .error
    /// A merge that rewrites at least this many words is shared among the threads. Tuning
    /// only (tests lower it to exercise the parallel path); never changes the result.
    var parallelMergeMinimumWords = 4096

    public init(inputs: [String], vocabSize: Int) {
        self.inputs = inputs
        self.vocabSize = vocabSize
    }

    /// All cores the process may run on.
    public static var defaultThreadCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The number of merges this vocabulary size leaves room for.
    public var mergeCount: Int { vocabSize - 256 - specialTokens.count }

    /// The regex that splits text into words.
    public var resolvedPattern: String { SplitPattern.resolve(pattern) }

    /// Checks every value; throws the first problem found.
    public func validate() throws(TrainError) {
        if inputs.isEmpty {
            throw .invalidValue(option: "--input", value: "", reason: "give at least one input file")
        }
        if mergeCount < 0 {
            throw .vocabularyTooSmall(vocabSize: vocabSize, specialTokens: specialTokens.count)
        }
        if minFrequency < 0 {
            throw .invalidValue(option: "--min-frequency", value: "\(minFrequency)", reason: "must be 0 or more")
        }
        if let length = maxTokenLength, length < 1 {
            throw .invalidValue(option: "--max-token-length", value: "\(length)", reason: "must be 1 or more")
        }
        if threads < 1 {
            throw .invalidValue(option: "--threads", value: "\(threads)", reason: "must be 1 or more")
        }
        if shardBytes < 1 {
            throw .invalidValue(option: "--shard-bytes", value: "\(shardBytes)", reason: "must be 1 or more")
        }
        if resolvedPattern.isEmpty {
            throw .invalidValue(option: "--pattern", value: pattern, reason: "the pattern is empty")
        }
        var seen = Set<[UInt8]>()
        for token in specialTokens {
            if token.isEmpty {
                throw .invalidValue(option: "--special-token", value: token, reason: "a special token cannot be empty")
            }
            if !seen.insert(Array(token.utf8)).inserted {
                throw .invalidValue(option: "--special-token", value: token, reason: "given twice")
            }
        }
        if output.isEmpty {
            throw .invalidValue(option: "--output", value: output, reason: "the prefix is empty")
        }
        if formats.contains(.minbpe), resolvedPattern.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw .invalidValue(
                option: "--pattern", value: pattern,
                reason: "minbpe's .model stores the pattern on one line; write line breaks as \\n")
        }
    }
}
