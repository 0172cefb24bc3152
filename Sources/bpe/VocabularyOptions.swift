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

    func load(
        _ path: String, patternIsFallback: Bool = false, forDecodingOnly: Bool = false, splitEngine: SplitEngine = .automatic
    ) throws(EncodeError) -> Tokenizer {
        // eval may mix vocabularies: GPT-2's encoder.json takes the merges, the others do not.
        let mergesForThis = patternIsFallback && !path.hasSuffix(".json") ? nil : merges
        return try Tokenizer.load(
            path: path, merges: mergesForThis, pattern: pattern, specialTokens: specialToken,
            patternIsFallback: patternIsFallback, forDecodingOnly: forDecodingOnly, splitEngine: splitEngine)
    }
}

/// The options of the commands that encode text, beyond `WorkOptions`.
struct EncodingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Special tokens the text may contain: all, none (encode them as plain text), or TOKEN,TOKEN.... "
            + "By default a special token in the text is an error.", valueName: "tokens"))
    var allowSpecial: String?

    @OptionGroup var work: WorkOptions

    func settings() throws -> EncodeSettings {
        var settings = EncodeSettings(threads: try work.threadCount())
        settings.shardBytes = try work.checkedShardBytes()
        if let allowSpecial { settings.specialTokens = SpecialTokenPolicy(parsing: allowSpecial) }
        settings.invalidUTF8 = try work.invalidUTF8Policy()
        settings.inputFormat = try work.checkedInputFormat()
        return settings
    }
}

extension IDFormat: ExpressibleByArgument {}
