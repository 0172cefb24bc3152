import Foundation

/// `PREFIX.train.json` (SPEC §6): what was trained, from what, with which settings, and how
/// long each phase took. Keys may be added in later versions, never renamed.
struct TrainReport: Encodable {
    struct Settings: Encodable {
        var inputs: [String]
        var vocabSize: Int
        var pattern: String
        var specialTokens: [String]
        var minFrequency: Int
        var maxTokenLength: Int?
        var threads: Int
        var shardBytes: Int
        var output: String
        var format: [String]
        var invalidUTF8: String

        enum CodingKeys: String, CodingKey {
            case inputs, pattern, threads, output, format
            case vocabSize = "vocab_size"
            case specialTokens = "special_tokens"
            case minFrequency = "min_frequency"
            case maxTokenLength = "max_token_length"
            case shardBytes = "shard_bytes"
            case invalidUTF8 = "invalid_utf8"
        }

        func encode(to encoder: Encoder) throws {
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
        }
    }

    struct Corpus: Encodable {
        var bytes: Int
        var words: Int64
        var uniqueWords: Int
        var specialTokens: Int
        var repairedInputs: Int

        enum CodingKeys: String, CodingKey {
            case bytes, words
            case uniqueWords = "unique_words"
            case specialTokens = "special_tokens"
            case repairedInputs = "repaired_inputs"
        }
    }

    var version = 1
    var pattern: String
    var specialTokens: [String: Int]
    var vocabSize: Int
    var settings: Settings
    var corpus: Corpus
    var merges: Int
    var requestedMerges: Int
    var phases: [String: Double]
    var wallSeconds: Double
    var peakRSSBytes: Int

    enum CodingKeys: String, CodingKey {
        case version, pattern, settings, corpus, merges, phases
        case specialTokens = "special_tokens"
        case vocabSize = "vocab_size"
        case requestedMerges = "requested_merges"
        case wallSeconds = "wall_seconds"
        case peakRSSBytes = "peak_rss_bytes"
    }

    init(_ outcome: TrainingOutcome, configuration: TrainConfiguration, wallSeconds: Double) {
        let vocabulary = outcome.vocabulary
        pattern = configuration.resolvedPattern
        specialTokens = Dictionary(uniqueKeysWithValues: vocabulary.specialTokens.enumerated().map {
            ($0.element, vocabulary.specialTokenID($0.offset))
        })
        vocabSize = vocabulary.size
        settings = Settings(
            inputs: configuration.inputs, vocabSize: configuration.vocabSize, pattern: configuration.pattern,
            specialTokens: configuration.specialTokens, minFrequency: configuration.minFrequency,
            maxTokenLength: configuration.maxTokenLength, threads: configuration.threads,
            shardBytes: configuration.shardBytes, output: configuration.output,
            format: configuration.formats.map(\.rawValue), invalidUTF8: configuration.invalidUTF8.rawValue)
        corpus = Corpus(
            bytes: outcome.corpus.bytes, words: outcome.corpus.words, uniqueWords: outcome.corpus.uniqueWords,
            specialTokens: outcome.corpus.specialTokenOccurrences, repairedInputs: outcome.corpus.repairedInputs)
        merges = vocabulary.merges.count
        requestedMerges = outcome.requestedMerges
        phases = Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0.rawValue, outcome.phases[$0]) })
        self.wallSeconds = wallSeconds
        peakRSSBytes = peakResidentBytes()
    }

    func render() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail.
        var data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        return Array(data)
    }
}
