import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// SPEC §5 and §6: layout and the bytes of each file format.
@Suite struct ExportFormatTests {
    static let vocabulary = TrainedVocabulary(
        tokens: (0..<256).map { [UInt8($0)] } + [[0x20, 0x74], [0x0A, 0x0A], [0x20, 0x74, 0x0A, 0x0A]],
        merges: [Merge(32, 116), Merge(10, 10), Merge(256, 257)],
        specialTokens: ["<|endoftext|>", "<|pad|>"])

    @Test func specialTokensFollowTheLastMerge() {
        #expect(Self.vocabulary.specialTokenID(0) == 259)
        #expect(Self.vocabulary.specialTokenID(1) == 260)
        #expect(Self.vocabulary.size == 261)
    }

    @Test func tiktokenLinesAreBase64AndRank() {
        let lines = String(decoding: TiktokenFormat.render(Self.vocabulary), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 259)
        #expect(lines[0] == "AA== 0")
        #expect(lines[65] == "QQ== 65")
        #expect(lines[258] == "IHQKCg== 258")
    }

    @Test func huggingFaceTokenizerJSONHasTheVocabularyInGPT2sAlphabet() throws {
        let pattern = #"'s|\p{L}+|"x"|\s+"#
        let data = Data(HuggingFaceFormat.render(Self.vocabulary, pattern: pattern))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let model = try #require(json["model"] as? [String: Any])
        let vocab = try #require(model["vocab"] as? [String: Int])
        #expect(vocab.count == 259)
        #expect(vocab["\u{0120}t"] == 256)        // " t": the space is U+0120 in GPT-2's alphabet
        #expect(vocab["\u{010A}\u{010A}"] == 257)
        #expect(vocab["\""] == 0x22 && vocab["\\"] == 0x5C)
        let merges = try #require(model["merges"] as? [[String]])
        #expect(merges == [["\u{0120}", "t"], ["\u{010A}", "\u{010A}"], ["\u{0120}t", "\u{010A}\u{010A}"]])
        #expect(model["ignore_merges"] as? Bool == true && model["byte_fallback"] as? Bool == false)
        let added = try #require(json["added_tokens"] as? [[String: Any]])
        #expect(added.map { $0["content"] as? String } == ["<|endoftext|>", "<|pad|>"])
        #expect(added.map { $0["id"] as? Int } == [259, 260])
        #expect(added.allSatisfy { $0["special"] as? Bool == true && $0["normalized"] as? Bool == false })
        let split = try #require(((json["pre_tokenizer"] as? [String: Any])?["pretokenizers"] as? [[String: Any]])?.first)
        #expect((split["pattern"] as? [String: String])?["Regex"] == pattern)
        #expect(split["behavior"] as? String == "Isolated")
    }

    @Test func tokenizerJSONReadsBackWhatWeWrite() throws {
        let json = HuggingFaceFormat.render(Self.vocabulary, pattern: SplitPattern.gpt4.regex)
        let file = try HuggingFaceReader.parse(json, path: "t.tokenizer.json")
        #expect(file.pattern == SplitPattern.gpt4.regex)
        #expect(file.tokens.map(\.bytes) == Self.vocabulary.tokens)
        #expect(file.tokens.map(\.id) == (0..<259).map { TokenID($0) })
        #expect(file.specialTokens.map(\.token) == ["<|endoftext|>", "<|pad|>"])
        #expect(file.specialTokens.map(\.id) == [259, 260])
    }

    @Test func tokenizerJSONThatCannotBeReproducedIsRefusedWithTheReason() throws {
        let written = String(decoding: HuggingFaceFormat.render(Self.vocabulary, pattern: "P"), as: UTF8.self)
        let cases: [(from: String, to: String, reason: String)] = [
            ("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}", "normalizer (NFC)"),
            ("\"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": false", "\"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": false", "prefix space"),
            ("\"byte_fallback\": false", "\"byte_fallback\": true", "byte_fallback"),
            ("\"type\": \"BPE\"", "\"type\": \"WordPiece\"", "not BPE"),
            ("\"behavior\": \"Isolated\"", "\"behavior\": \"Removed\"", "Isolated"),
            ("\"lstrip\": false", "\"lstrip\": true", "lstrip"),
            ("\"continuing_subword_prefix\": null", "\"continuing_subword_prefix\": \"##\"", "continuing_subword_prefix"),
        ]
        for (from, to, reason) in cases {
            #expect(written.contains(from), "\(from)")
            let edited = Array(written.replacingOccurrences(of: from, with: to).utf8)
            #expect {
                try HuggingFaceReader.parse(edited, path: "x.json")
            } throws: { error in
                "\(error)".contains(reason) && "\(error)".contains("x.json")
            }
        }
    }

    @Test func minbpeModelMatchesMinbpesSave() {
        let model = String(decoding: MinbpeFormat.model(Self.vocabulary, pattern: "P"), as: UTF8.self)
        #expect(model == "minbpe v1\nP\n2\n<|endoftext|> 259\n<|pad|> 260\n32 116\n10 10\n256 257\n")
    }

    @Test func minbpeVocabEscapesControlCharacters() {
        let lines = String(decoding: MinbpeFormat.vocab(Self.vocabulary), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[10] == "[\\u000a] 10")
        #expect(lines[65] == "[A] 65")
        #expect(lines[200] == "[\u{FFFD}] 200")
        #expect(lines[256] == "[ ][t] -> [ t] 256")
        #expect(lines[258] == "[ t][\\u000a\\u000a] -> [ t\\u000a\\u000a] 258")
        #expect(lines[259] == "[<|endoftext|>] 259")
        #expect(lines[260] == "[<|pad|>] 260")
        #expect(TokenRendering.render(Array("\u{200B}x\u{7F}".utf8)) == "\\u200bx\\u007f")
    }

    @Test func atomicWriteLeavesNothingWhenAnyFileFails() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: FileError.self) {
            try AtomicFileSet.write([
                (path: "\(directory.path)/first.txt", contents: Array("one".utf8)),
                (path: "\(directory.path)/no-such-dir/second.txt", contents: Array("two".utf8)),
            ])
        }
        #expect(directory.contents() == [])
    }

    /// Trains 6 merges on a tiny text into `directory/tok.*`; the outcome and `tok.train.json`.
    static func trainReport(in directory: TemporaryDirectory, maxTokenLength: Int? = nil) throws -> (TrainingOutcome, Data) {
        let input = try directory.write(Array("low lower lowest low low".utf8), to: "in.txt")
        var configuration = TrainConfiguration(inputs: [input], vocabSize: 262)
        configuration.specialTokens = ["<|endoftext|>"]
        configuration.maxTokenLength = maxTokenLength
        configuration.output = "\(directory.path)/tok"
        let outcome = try Training.run(configuration)
        return (outcome, try #require(FileManager.default.contents(atPath: "\(directory.path)/tok.train.json")))
    }

    /// `train.json` is `Codable` both ways: what is written decodes to the same report, and
    /// the part a vocabulary needs (pattern, special tokens) reads from a hand-written file.
    @Test func trainReportReadsBackAsWritten() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, data) = try Self.trainReport(in: directory, maxTokenLength: 9)
        let report = try JSONDecoder().decode(TrainReport.self, from: data)
        #expect(report.render() == Array(data))
        #expect(report.settings.maxTokenLength == 9)
        let part = try TrainReport.readVocabularyPart("\(directory.path)/tok.train.json")
        #expect(part.pattern == report.pattern && part.specialTokens == report.specialTokens)

        try directory.write(Array(#"{"pattern": "gpt2", "special_tokens": {"<s>": 300}}"#.utf8), to: "hand.train.json")
        #expect(try TrainReport.readVocabularyPart("\(directory.path)/hand.train.json") ==
                TrainReport.VocabularyPart(pattern: "gpt2", specialTokens: ["<s>": 300]))
        try directory.write(Array(#"{"special_tokens": {}}"#.utf8), to: "bad.train.json")
        #expect(throws: FormatError.cannotLoad(path: "\(directory.path)/bad.train.json", reason: "not a train.json: no 'pattern'")) {
            try TrainReport.readVocabularyPart("\(directory.path)/bad.train.json")
        }
    }

    @Test func trainReportHasTheSpecKeys() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (outcome, data) = try Self.trainReport(in: directory)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["pattern", "special_tokens", "settings", "corpus", "merges", "phases", "wall_seconds", "peak_rss_bytes"] {
            #expect(json[key] != nil, "\(key)")
        }
        let phases = try #require(json["phases"] as? [String: Double])
        #expect(Set(phases.keys) == ["read", "split_count", "merge_tables", "init_pairs", "merge_loop", "write"])
        let corpus = try #require(json["corpus"] as? [String: Int])
        #expect(corpus["bytes"] == 24)
        #expect(corpus["words"] == 5)
        #expect(corpus["unique_words"] == 4)  // "low", " lower", " lowest", " low"
        #expect(json["merges"] as? Int == outcome.vocabulary.merges.count)
        #expect((json["special_tokens"] as? [String: Int])?["<|endoftext|>"] == 256 + outcome.vocabulary.merges.count)
        #expect(json["pattern"] as? String == SplitPattern.gpt4.regex)
    }
}
