import FoundationEssentials

/// `PREFIX.train.json` (SPEC §6): what was trained, from what, with which settings, and how
/// long each phase took. Keys may be added in later versions, never renamed. Written by
/// `bpe train` (the training layer fills it in) and read back beside a `.tiktoken` for its
/// pattern and special tokens, with the same `Codable` keys both ways.
package struct TrainReport: Codable, Equatable {
    package struct Settings: Codable, Equatable {
        package var inputs: [String]
        package var vocabSize: Int
        package var pattern: String
        package var specialTokens: [String]
        package var minFrequency: Int
        package var maxTokenLength: Int?
        package var threads: Int
        package var shardBytes: Int
        package var output: String
        package var format: [String]
        package var invalidUTF8: String
        /// `cs336` or `rustbpe`; absent in files written before it existed.
        package var tieBreak: String?

        package init(
            inputs: [String], vocabSize: Int, pattern: String, specialTokens: [String], minFrequency: Int,
            maxTokenLength: Int?, threads: Int, shardBytes: Int, output: String, format: [String], invalidUTF8: String,
            tieBreak: String
        ) {
            self.tieBreak = tieBreak
            self.inputs = inputs
            self.vocabSize = vocabSize
            self.pattern = pattern
            self.specialTokens = specialTokens
            self.minFrequency = minFrequency
            self.maxTokenLength = maxTokenLength
            self.threads = threads
            self.shardBytes = shardBytes
            self.output = output
            self.format = format
            self.invalidUTF8 = invalidUTF8
        }

        enum CodingKeys: String, CodingKey {
            case inputs, pattern, threads, output, format
            case vocabSize = "vocab_size"
            case specialTokens = "special_tokens"
            case minFrequency = "min_frequency"
            case maxTokenLength = "max_token_length"
            case shardBytes = "shard_bytes"
            case invalidUTF8 = "invalid_utf8"
            case tieBreak = "tie_break"
        }

        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(inputs, forKey: .inputs)
            try container.encode(vocabSize, forKey: .vocabSize)
            try container.encode(pattern, forKey: .pattern)
            try container.encode(specialTokens, forKey: .specialTokens)
            try container.encode(minFrequency, forKey: .minFrequency)
            try container.encode(maxTokenLength, forKey: .maxTokenLength)  // null when unset
            try container.encode(threads, forKey: .threads)
            try container.encode(shardBytes, forKey: .shardBytes)
            try container.encode(output, forKey: .output)
            try container.encode(format, forKey: .format)
            try container.encode(invalidUTF8, forKey: .invalidUTF8)
            try container.encodeIfPresent(tieBreak, forKey: .tieBreak)
        }
    }

    package struct Corpus: Codable, Equatable {
        package var bytes: Int
        package var words: Int64
        package var uniqueWords: Int
        package var specialTokens: Int
        package var repairedInputs: Int

        package init(bytes: Int, words: Int64, uniqueWords: Int, specialTokens: Int, repairedInputs: Int) {
            self.bytes = bytes
            self.words = words
            self.uniqueWords = uniqueWords
            self.specialTokens = specialTokens
            self.repairedInputs = repairedInputs
        }

        enum CodingKeys: String, CodingKey {
            case bytes, words
            case uniqueWords = "unique_words"
            case specialTokens = "special_tokens"
            case repairedInputs = "repaired_inputs"
        }
    }

    package var version = 1
    package var pattern: String
    package var specialTokens: [String: Int]
    package var vocabSize: Int
    package var settings: Settings
    package var corpus: Corpus
    package var merges: Int
    package var requestedMerges: Int
    package var phases: [String: Double]
    package var wallSeconds: Double
    package var peakRSSBytes: Int

    package init(
        pattern: String, specialTokens: [String: Int], vocabSize: Int, settings: Settings, corpus: Corpus,
        merges: Int, requestedMerges: Int, phases: [String: Double], wallSeconds: Double, peakRSSBytes: Int
    ) {
        self.pattern = pattern
        self.specialTokens = specialTokens
        self.vocabSize = vocabSize
        self.settings = settings
        self.corpus = corpus
        self.merges = merges
        self.requestedMerges = requestedMerges
        self.phases = phases
        self.wallSeconds = wallSeconds
        self.peakRSSBytes = peakRSSBytes
    }

    enum CodingKeys: String, CodingKey {
        case version, pattern, settings, corpus, merges, phases
        case specialTokens = "special_tokens"
        case vocabSize = "vocab_size"
        case requestedMerges = "requested_merges"
        case wallSeconds = "wall_seconds"
        case peakRSSBytes = "peak_rss_bytes"
    }

    /// The report as `PREFIX.train.json` holds it: pretty-printed, keys sorted, one newline at the end.
    package func render() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail.
        var data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        return Array(data)
    }

    /// What a vocabulary needs from a `train.json`: its pattern and special tokens (the
    /// same keys as `TrainReport`). Read on its own, so a hand-written `train.json` that holds
    /// only these two keys gives a bare `.tiktoken` its pattern too.
    package struct VocabularyPart: Codable, Equatable {
        package var pattern: String
        package var specialTokens: [String: Int]

        package init(pattern: String, specialTokens: [String: Int]) {
            self.pattern = pattern
            self.specialTokens = specialTokens
        }

        enum CodingKeys: String, CodingKey {
            case pattern
            case specialTokens = "special_tokens"
        }
    }

    /// Reads the pattern and special tokens of a `train.json`; what is missing or of the
    /// wrong type is named in the error.
    package static func readVocabularyPart(_ path: String) throws(FormatError) -> VocabularyPart {
        try parseVocabularyPart(VocabularyFile.contents(of: path), path: path)
    }

    /// `readVocabularyPart` of JSON already in memory; `path` names it in errors.
    package static func parseVocabularyPart(_ json: [UInt8], path: String) throws(FormatError) -> VocabularyPart {
        let data = Data(json)
        do {
            return try JSONDecoder().decode(VocabularyPart.self, from: data)
        } catch let error as DecodingError {
            throw .cannotLoad(path: path, reason: "not a train.json: \(describe(error))")
        } catch {
            throw .cannotLoad(path: path, reason: "not a train.json")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func key(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case let .keyNotFound(missing, context): return "no '\(key(context.codingPath + [missing]))'"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "'\(key(context.codingPath))' has the wrong type"
        case .dataCorrupted: return "it is not JSON"
        @unknown default: return "unreadable"
        }
    }
}
