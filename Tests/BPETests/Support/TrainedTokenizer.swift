import BPE

/// The one trained-tokenizer fixture of the tests: a vocabulary of 300 merges learned from
/// `text` (minimum frequency 1, one thread), with the generator's special tokens, made
/// into a `Tokenizer` in memory (`Training.learn(documents:)`, `Tokenizer(vocabulary:pattern:)`).
enum TrainedTokenizer {
    static func make(on text: [UInt8], pattern: String, merges: Int = 300) throws -> Tokenizer {
        var configuration = TrainConfiguration(inputs: [], vocabSize: 256 + merges + CorpusGenerator.specialTokens.count)
        configuration.pattern = pattern
        configuration.specialTokens = CorpusGenerator.specialTokens
        configuration.minFrequency = 1
        configuration.threads = 1
        let vocabulary = try Training.learn(documents: [String(decoding: text, as: UTF8.self)], configuration: configuration).vocabulary
        return try Tokenizer(vocabulary: vocabulary, pattern: pattern)
    }
}
