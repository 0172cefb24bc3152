import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPETraining

/// gzip, zstd and JSON Lines inputs (issue 11): the same merges and ids as the plain text they
/// hold, documents as boundaries, and a one-line error with the position for every bad input.
@Suite struct InputFormatTests {
    static let specials = ["<|endoftext|>"]

    /// Generated documents, and the same as one text joined by the special token.
    static func documents(seed: UInt64) -> [String] {
        var generator = CorpusGenerator(seed: seed)
        return (0..<40).map { index in generator.text(CorpusGenerator.Kind.allCases[index % CorpusGenerator.Kind.allCases.count], size: 200) }
    }

    static func jsonLines(_ documents: [String]) throws -> [UInt8] {
        var out: [UInt8] = []
        for (index, document) in documents.enumerated() {
            let object: [String: Any] = ["id": index, "meta": ["tags": ["a", 1, nil as Any?] as [Any?], "ok": true], "text": document]
            out += Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
            out += index % 3 == 0 ? [0x0D, 0x0A] : [0x0A]  // CRLF lines too
            if index % 7 == 0 { out += [0x0A] }  // a blank line, skipped
        }
        return out
    }

    func merges(_ path: String, format: InputFormat = .text, threads: Int = 2, shardBytes: Int = 1 << 20) throws -> [Merge] {
        var configuration = TrainConfiguration(inputs: [path], vocabSize: 256 + 200 + Self.specials.count)
        configuration.specialTokens = Self.specials
        configuration.inputFormat = format
        configuration.threads = threads
        configuration.shardBytes = shardBytes
        return try Training.learn(configuration).vocabulary.merges
    }

    @Test func compressedAndJSONLinesTrainAsThePlainText() throws {
        let documents = Self.documents(seed: 11)
        let text = Array(documents.joined(separator: Self.specials[0]).utf8)
        let lines = try Self.jsonLines(documents)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let plain = try directory.write(text, to: "corpus.txt")
        let expected = try merges(plain)
        #expect(expected.count == 200)
        // Two gzip members back to back (as `cat a.gz b.gz`) and two zstd frames.
        let half = text.count / 2
        let inputs: [(String, InputFormat)] = [
            (try directory.write(Compressor.gzip(text), to: "corpus.txt.gz"), .text),
            (try directory.write(Compressor.gzip(Array(text[..<half])) + Compressor.gzip(Array(text[half...]), level: 1), to: "two.gz"), .text),
            (try directory.write(Compressor.zstd(text), to: "corpus.txt.zst"), .text),
            (try directory.write(Compressor.zstd(Array(text[..<half])) + Compressor.zstd(Array(text[half...])), to: "two.zst"), .text),
            (try directory.write(lines, to: "docs.jsonl"), .jsonl(textField: "text")),
            (try directory.write(Compressor.gzip(lines), to: "docs.jsonl.gz"), .jsonl(textField: "text")),
            (try directory.write(Compressor.zstd(lines), to: "docs.jsonl.zst"), .jsonl(textField: "text")),
        ]
        for (path, format) in inputs {
            for (threads, shard) in [(1, 1 << 20), (2, 97), (3, 13)] {
                #expect(try merges(path, format: format, threads: threads, shardBytes: shard) == expected, "\(path) \(threads) \(shard)")
            }
        }
    }

    /// A long decompressed stream goes to the spool file, and gives the same text.
    @Test func longDecompressedStreamsAreSpooled() throws {
        let documents = Self.documents(seed: 12)
        let text = Array(documents.joined(separator: "\n").utf8)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Compressor.zstd(text), to: "long.zst")
        let fd = try FileAccess.openForReading(path)
        defer { try? fd.close() }
        let file = try CorpusFile.readAll(fd, path: path, spoolThreshold: 1000)
        #expect(file.isMapped)
        #expect(Array(file.bytes) == text)
    }

    /// No word spans two documents, and a special token split between two documents is none.
    @Test func documentsAreBoundaries() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = #"{"text": "abab<|endof"}"# + "\n" + #"{"text": "text|>abab"}"# + "\n" + #"{"text":"ab\u00e9"}"# + "\n"
        let path = try directory.write(Array(lines.utf8), to: "d.jsonl")
        let file = try CorpusFile.open(path, format: .jsonl(textField: "text"))
        #expect(Array(file.bytes) == Array("abab<|endoftext|>ababab\u{e9}".utf8))
        #expect(file.documentEnds == [11, 21])
        var configuration = TrainConfiguration(inputs: [path], vocabSize: 256 + 50 + 1)
        configuration.specialTokens = Self.specials
        configuration.inputFormat = .jsonl(textField: "text")
        configuration.pattern = #"\S+"#
        configuration.minFrequency = 1
        configuration.threads = 2
        configuration.shardBytes = 3
        let outcome = try Training.learn(configuration)
        // Words: "abab<|endof", "text|>abab", "abé": three, none across a document end, and
        // the special token was not found (its halves are in two documents).
        #expect(outcome.corpus.words == 3)
        #expect(outcome.corpus.specialTokenOccurrences == 0)
    }

    @Test func encodingJSONLinesEqualsEncodingEachDocument() throws {
        let documents = Self.documents(seed: 13)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = try directory.write(Array(documents.joined(separator: Self.specials[0]).utf8), to: "t.txt")
        var configuration = TrainConfiguration(inputs: [text], vocabSize: 256 + 300 + 1)
        configuration.specialTokens = Self.specials
        let tokenizer = try Tokenizer(vocabulary: try Training.learn(configuration).vocabulary, pattern: "gpt4")
        let path = try directory.write(Compressor.gzip(try Self.jsonLines(documents)), to: "docs.jsonl.gz")
        var settings = EncodeSettings(threads: 2)
        settings.shardBytes = 50
        settings.inputFormat = .jsonl(textField: "text")
        settings.specialTokens = .allowAll
        var ids: [TokenID] = []
        try tokenizer.encode(paths: [path], settings: settings) { (part: EncodedPart) throws(EncodeError) in
            if case let .ids(chunk, _, _) = part { ids += chunk }
        }
        var expected: [TokenID] = []
        var whole = EncodeSettings(threads: 1)
        whole.specialTokens = .allowAll
        for document in documents { expected += try tokenizer.encode(bytes: Array(document.utf8), settings: whole) }
        #expect(ids == expected)
    }

    @Test(arguments: [
        (#"{"text":"a"}"# + "\n" + #"{"txt":"b"}"#, "line 2 (byte offset 13): the object has no field 'text'"),
        (#"{"text": 5}"#, "line 1 (byte offset 0): field 'text' is a number, not a string"),
        (#"{"text": null}"#, "field 'text' is null, not a string"),
        (#"["text"]"#, "line 1 (byte offset 0): expected a JSON object ('{')"),
        (#"{"text": "ab" "#, "line 1 (byte offset 14): expected ',' or '}' in the object (the line ends first)"),
        (#"{"text": "a\qb"}"#, "line 1 (byte offset 11): an unknown escape '\\q'"),
        (#"{"text": "\ud800"}"#, "line 1 (byte offset 10): a lone surrogate escape"),
        ("{\"text\": \"a\tb\"}", "line 1 (byte offset 11): a raw control character (0x9) in a string"),
        (#"{"text": "x"} x"#, "unexpected text after the object"),
        (String(repeating: "[", count: 600), "expected a JSON object"),
        (#"{"a":"# + String(repeating: "[", count: 600) + #"], "text": "x"}"#, "nested deeper than 512 levels"),
    ])
    func badJSONLinesAreOneLineErrors(line: String, message: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Array(line.utf8), to: "bad.jsonl")
        do {
            _ = try CorpusFile.open(path, format: .jsonl(textField: "text"))
            Issue.record("no error for \(line)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.description.hasPrefix("'\(path)' line "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func surrogatePairsDecodeAndLoneOnesAreReplacedOnRequest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Array(#"{"text": "\ud83d\ude00 \u00e9\"\\\/\b\f\n\r\t \udc00"}"#.utf8), to: "s.jsonl")
        let file = try CorpusFile.open(path, format: .jsonl(textField: "text"), invalidUTF8: .replace)
        #expect(String(decoding: file.bytes, as: UTF8.self) == "\u{1F600} \u{e9}\"\\/\u{8}\u{c}\n\r\t \u{FFFD}")
    }

    @Test func invalidUTF8InALineNamesTheLineAndIsReplacedOnRequest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Array(#"{"text":"ok"}"#.utf8) + [0x0A] + Array(#"{"text":"a"#.utf8) + [0xFF] + Array(#""}"#.utf8), to: "u.jsonl")
        #expect(throws: InputError.self) { try CorpusFile.open(path, format: .jsonl(textField: "text")) }
        do { _ = try CorpusFile.open(path, format: .jsonl(textField: "text")) } catch {
            #expect(error.description.contains("line 2 (byte offset 24): invalid UTF-8"))
        }
        let file = try CorpusFile.open(path, format: .jsonl(textField: "text"), invalidUTF8: .replace)
        #expect(String(decoding: file.bytes, as: UTF8.self) == "oka\u{FFFD}")
    }

    @Test func corruptAndTruncatedCompressedInputsAreOneLineErrors() throws {
        let text = Array(Self.documents(seed: 14).joined().utf8)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let gz = Compressor.gzip(text)
        let zst = Compressor.zstd(text)
        var flipped = zst
        flipped[zst.count / 2] ^= 0x5A
        var flippedGzip = gz
        flippedGzip[gz.count - 6] ^= 0x01  // the CRC
        let cases: [(name: String, bytes: [UInt8], message: String)] = [
            ("cut.gz", Array(gz[..<(gz.count / 2)]), "the data ends inside a gzip member at compressed byte offset"),
            ("cut.zst", Array(zst[..<(zst.count / 2)]), "the data ends inside a zstd frame at compressed byte offset"),
            ("flip.zst", flipped, "corrupt zstd data (zstd: "),  // caught by the frame checksum at the latest
            ("crc.gz", flippedGzip, "corrupt gzip data (zlib: incorrect data check)"),
            ("trail.gz", gz + [0x41, 0x42, 0x43], "bytes after the end of the gzip data are not another gzip member"),
            ("plain.gz", text, "the name says gzip but the data does not start with gzip's magic bytes"),
            ("plain.zst", text, "the name says zstd but the data does not start with zstd's magic bytes"),
        ]
        for (name, bytes, message) in cases {
            let path = try directory.write(bytes, to: name)
            do {
                _ = try CorpusFile.open(path)
                Issue.record("no error for \(name)")
            } catch {
                #expect(error.description.contains(message), "\(name): \(error.description)")
                #expect(error.description.hasPrefix("cannot read '\(path)': "))
            }
        }
    }

    /// The command line: `--input-format jsonl --text-field`, a clear error for a bad value,
    /// and no output file after a bad input.
    @Test func commandLineReadsJSONLinesAndRefusesBadOnes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let documents = Self.documents(seed: 15)
        _ = try directory.write(Array(documents.joined(separator: Self.specials[0]).utf8), to: "t.txt")
        var lines: [UInt8] = []
        for document in documents {
            lines += Array(try JSONSerialization.data(withJSONObject: ["body": document])) + [0x0A]
        }
        _ = try directory.write(Compressor.zstd(lines), to: "d.jsonl.zst")
        let common = ["--vocab-size", "400", "--special-token", Self.specials[0], "--quiet"]
        let plain = try BPECommandRunner.run(["train", "--input", "t.txt", "--output", "a"] + common, in: directory.path)
        #expect(plain.status == 0, "\(plain.standardError)")
        let jsonl = try BPECommandRunner.run(
            ["train", "--input", "d.jsonl.zst", "--input-format", "jsonl", "--text-field", "body", "--output", "b"] + common,
            in: directory.path)
        #expect(jsonl.status == 0, "\(jsonl.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.path + "/a.tiktoken"))
            == Data(contentsOf: URL(fileURLWithPath: directory.path + "/b.tiktoken")))
        let missing = try BPECommandRunner.run(
            ["train", "--input", "d.jsonl.zst", "--input-format", "jsonl", "--output", "c"] + common, in: directory.path)
        #expect(missing.status == 1)
        #expect(missing.standardError == "error: 'd.jsonl.zst' line 1 (byte offset 0 of the decompressed text): the object has no field 'text'\n")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/c.tiktoken"))
        let format = try BPECommandRunner.run(
            ["train", "--input", "t.txt", "--input-format", "csv", "--output", "c"] + common, in: directory.path)
        #expect(format.status == 1)
        #expect(format.standardError.contains("--input-format"))
    }
    /// The parser's text equals the string Foundation serialized, for random strings of
    /// every length around the 8-byte fast path, with quotes, backslashes, control
    /// characters, \u escapes and multibyte characters anywhere.
    @Test func parsedStringsEqualWhatWasSerialized() throws {
        var generator = CorpusGenerator(seed: 77)
        let pieces = ["a", "bc", "\"", "\\", "\n", "\t", "\u{1}", "\u{1F}", "/", "é", "猫", "🎉", " ", "xxxxxxxx", "\r\n"]
        for round in 0..<600 {
            var value = ""
            for _ in 0..<(round % 40) { value += generator.pick(pieces) }
            let data = try JSONSerialization.data(withJSONObject: ["k": 1, "text": value] as [String: Any])
            let bytes = Array(data)
            let parsed = try bytes.withUnsafeBufferPointer { buffer in
                var parser = JSONLineParser(buffer, replaceLoneSurrogates: false)
                return try parser.text(of: Array("text".utf8))
            }
            #expect(parsed == Array(value.utf8), "\(value.debugDescription)")
        }
        // Escaped forms Foundation does not write.
        let escaped = #"{"text": "\u0041\u00e9\u732b\ud83c\udf89\/\b\f"}"#
        let parsed = try Array(escaped.utf8).withUnsafeBufferPointer { buffer in
            var parser = JSONLineParser(buffer, replaceLoneSurrogates: false)
            return try parser.text(of: Array("text".utf8))
        }
        #expect(parsed == Array("Aé猫🎉/\u{8}\u{c}".utf8))
    }
}
