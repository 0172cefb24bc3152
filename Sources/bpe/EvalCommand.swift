import ArgumentParser
import BPE
import Foundation

/// `bpe eval`: how well each vocabulary compresses some held-out text.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Compare vocabularies on held-out text: bytes per token, tokens per word, longest tokens used."
    )

    @Option(name: .long, help: ArgumentHelp("A vocabulary to evaluate (repeatable).", valueName: "file"))
    var vocab: [String] = []

    @OptionGroup var vocabulary: VocabularyOptions

    @Option(name: .long, help: ArgumentHelp("Held-out text (repeatable; default: standard input).", valueName: "file"))
    var input: [String] = []

    @OptionGroup var encoding: EncodingOptions

    @Option(name: .long, help: "How many of the longest tokens used to list.")
    var longest: Int = 20

    @Flag(name: .long, help: "Print one JSON object per vocabulary instead of tables.")
    var json = false

    func validate() throws {
        if vocab.isEmpty { throw ValidationError("Missing expected argument '--vocab <file>'") }
        if input.filter({ $0 == "-" }).count > 1 || (input.isEmpty && vocab.count > 1) {
            throw ValidationError("Standard input can be read only once: name the held-out text with --input")
        }
    }

    func run() throws {
        try reportingErrors {
            let settings = try encoding.settings()
            let engine = try encoding.work.checkedSplitEngine()
            let tokenizers = try vocab.map { (path) throws(EncodeError) in
                try vocabulary.load(path, patternIsFallback: true, splitEngine: engine)
            }
            var results: [Evaluation] = []
            for (path, tokenizer) in zip(vocab, tokenizers) {
                let progress: EncodeProgress? = isatty(STDERR_FILENO) != 0 ? ProgressLine.bytes("eval \(path)") : nil
                let result = try tokenizer.evaluate(
                    paths: input.isEmpty ? ["-"] : input, name: path, settings: settings,
                    longest: max(0, longest), progress: progress)
                ProgressLine.clear()
                print(json ? Self.json(result) : Self.table(result, pattern: tokenizer.pattern))
                results.append(result)
            }
            if !json && results.count > 1 { print(Self.comparison(results), terminator: "") }
        }
    }

    /// One line per vocabulary, side by side, with its token count against the first's.
    static func comparison(_ results: [Evaluation]) -> String {
        let width = max(10, results.map(\.vocabulary.count).max() ?? 0)
        var text = "vocabulary".padding(toLength: width, withPad: " ", startingAt: 0)
            + "      size        tokens  bytes/token  tokens/word  vs first\n"
        let first = max(1, results[0].tokens)
        for result in results {
            let change = 100 * Double(result.tokens - first) / Double(first)
            text += result.vocabulary.padding(toLength: width, withPad: " ", startingAt: 0)
                + grouped(result.idCount).leftPadded(10) + grouped(result.tokens).leftPadded(14)
                + ProfileTable.fixed(result.bytesPerToken, 3).leftPadded(13)
                + ProfileTable.fixed(result.tokensPerWord, 3).leftPadded(13)
                + ((change >= 0 ? "+" : "") + ProfileTable.fixed(change, 1) + "%").leftPadded(10) + "\n"
        }
        return text
    }

    static func table(_ result: Evaluation, pattern: String) -> String {
        func row(_ label: String, _ value: String) -> String {
            "  " + label.padding(toLength: 22, withPad: " ", startingAt: 0) + value + "\n"
        }
        var text = "\(result.vocabulary): \(grouped(result.idCount)) tokens\n"
        text += row("bytes", grouped(result.bytes))
        text += row("tokens", grouped(result.tokens))
        text += row("words", grouped(result.words))
        text += row("bytes/token", ProfileTable.fixed(result.bytesPerToken, 3))
        text += row("tokens/word", ProfileTable.fixed(result.tokensPerWord, 3))
        text += row("multi-byte coverage", ProfileTable.fixed(100 * result.multiByteShare, 1) + "% of bytes")
        text += row("distinct tokens used", grouped(result.distinctTokens))
        if !result.longestTokens.isEmpty {
            text += "  longest tokens used (bytes, id, uses):\n"
            for token in result.longestTokens {
                text += "    \(String(token.bytes.count).leftPadded(4))  \(String(token.id).leftPadded(7))  "
                    + "\(grouped(token.uses).leftPadded(11))  [\(token.rendered)]\n"
            }
        }
        return text
    }

    static func json(_ result: Evaluation) -> String {
        let object: [String: Any] = [
            "vocabulary": result.vocabulary, "tokens_in_vocabulary": result.idCount,
            "bytes": result.bytes, "tokens": result.tokens, "words": result.words,
            "bytes_per_token": result.bytesPerToken, "tokens_per_word": result.tokensPerWord,
            "multi_byte_share": result.multiByteShare, "distinct_tokens_used": result.distinctTokens,
            "longest_tokens": result.longestTokens.map { ["id": $0.id, "bytes": $0.bytes.count, "uses": $0.uses, "token": $0.rendered] },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// `1234567` as `1,234,567`.
func grouped(_ value: Int) -> String {
    let digits = Array(String(abs(value)))
    var out = value < 0 ? "-" : ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
        out.append(digit)
    }
    return out
}
