import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// `bpe encode`, `bpe decode` and `bpe eval` from the shell: formats, round trips, exit
/// codes, one-line errors, and no output file left by a failed run.
@Suite struct EncodeCommandLineTests {
    static let text = "Hello world! The cat sat on the mat.\n  indented   code(x) = 42;\n猫はマットの上に座った。🙂\n"

    /// A directory with `text.txt` and a vocabulary `v.model`/`v.tiktoken`/`v.train.json`
    /// trained on it (with `<|endoftext|>`).
    static func prepared(vocabSize: Int = 400) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write(Array(String(repeating: text, count: 20).utf8), to: "train.txt")
        try directory.write(Array(text.utf8), to: "text.txt")
        let trained = try BPECommandRunner.run(
            ["train", "--input", "train.txt", "--vocab-size", String(vocabSize), "--special-token", "<|endoftext|>",
             "--output", "v", "--min-frequency", "1", "--quiet"], in: directory.path)
        #expect(trained.status == 0, "\(trained.standardError)")
        return directory
    }

    func read(_ directory: TemporaryDirectory, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/\(name)")))
    }

    @Test(arguments: IDFormat.allCases)
    func encodeThenDecodeGivesTheTextBack(format: IDFormat) throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let hf = try BPECommandRunner.run(
            ["train", "--input", "train.txt", "--vocab-size", "400", "--special-token", "<|endoftext|>",
             "--output", "v", "--min-frequency", "1", "--quiet", "--format", "hf"], in: directory.path)
        #expect(hf.status == 0, "\(hf.standardError)")
        for vocab in ["v.model", "v.tiktoken", "v.tokenizer.json"] {
            let encoded = try BPECommandRunner.run(
                ["encode", "--vocab", vocab, "--input", "text.txt", "--output", "ids", "--format", format.rawValue,
                 "--shard-bytes", "5", "--threads", "2"], in: directory.path)
            #expect(encoded.status == 0, "\(encoded.standardError)")
            let decoded = try BPECommandRunner.run(
                ["decode", "--vocab", vocab, "--input", "ids", "--output", "back.txt", "--format", format.rawValue],
                in: directory.path)
            #expect(decoded.status == 0, "\(decoded.standardError)")
            #expect(try read(directory, "back.txt") == Array(Self.text.utf8), "\(vocab) \(format)")
        }
    }

    @Test func invalidUTF8CanBeReplaced() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        try directory.write([0x61, 0x62, 0xFF, 0x63, 0xE2, 0x82], to: "invalid.txt")
        let encoded = try BPECommandRunner.run(
            ["encode", "--vocab", "v.model", "--input", "invalid.txt", "--invalid-utf8", "replace", "--output", "ids"],
            in: directory.path)
        #expect(encoded.status == 0, "\(encoded.standardError)")
        let decoded = try BPECommandRunner.run(["decode", "--vocab", "v.model", "--input", "ids"], in: directory.path)
        #expect(decoded.standardOutput == "ab\u{FFFD}c\u{FFFD}")
    }

    @Test func textFormatsHoldOneLinePerInput() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        try directory.write([], to: "empty.txt")
        let tokenizer = try Tokenizer.load(path: "\(directory.path)/v.model")
        let expected = try tokenizer.encode(Self.text)
        let ids = try BPECommandRunner.run(
            ["encode", "--vocab", "v.model", "--input", "text.txt", "--input", "empty.txt", "--input", "text.txt"],
            in: directory.path)
        let line = expected.map(String.init).joined(separator: " ")
        #expect(ids.standardOutput == "\(line)\n\n\(line)\n")
        let json = try BPECommandRunner.run(
            ["encode", "--vocab", "v.model", "--input", "empty.txt", "--input", "text.txt", "--format", "json"],
            in: directory.path)
        #expect(json.standardOutput == "[]\n[\(expected.map(String.init).joined(separator: ","))]\n")
    }

    @Test func encodeReadsStandardInput() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let fromFile = try BPECommandRunner.run(["encode", "--vocab", "v.model", "--input", "text.txt"], in: directory.path)
        let fromStdin = try BPECommandRunner.run(
            ["encode", "--vocab", "v.model"], standardInput: Array(Self.text.utf8), in: directory.path)
        #expect(fromStdin.status == 0 && fromStdin.standardOutput == fromFile.standardOutput)
    }


    @Test func badInputsAreOneLineErrors() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        try directory.write(Array("before <|endoftext|> after".utf8), to: "special.txt")
        try expectFailure(["encode", "--vocab", "v.model", "--input", "special.txt", "--output", "out.ids"],
                          message: "contains the special token '<|endoftext|>' at byte offset 7", in: directory)
        try expectFailure(["encode", "--vocab", "v.model", "--input", "special.txt", "--allow-special", "<|nope|>", "--output", "o"],
                          message: "'<|nope|>' is not a special token", in: directory)
        try expectFailure(["encode", "--vocab", "missing.model", "--input", "text.txt"],
                          message: "cannot load the vocabulary 'missing.model': no such file", in: directory)
        try directory.write(Array("Zm9v 0\n".utf8), to: "bare.tiktoken")
        try expectFailure(["encode", "--vocab", "bare.tiktoken", "--input", "text.txt"],
                          message: "pass --pattern", in: directory)
        try expectFailure(["encode", "--vocab", "v.model", "--input", "text.txt", "--threads", "0"],
                          message: "--threads", in: directory)
        try expectFailure(["encode", "--vocab", "v.model", "--input", "text.txt", "--pattern", "gpt2"],
                          message: "'v.model' has its own split pattern", in: directory)
        try directory.write([0x61, 0xFF, 0x62], to: "invalid.txt")
        try expectFailure(["encode", "--vocab", "v.model", "--input", "invalid.txt", "--output", "o"],
                          message: "invalid UTF-8 in 'invalid.txt' at byte offset 1", in: directory)
        try directory.write(Array("1 2 99999 3".utf8), to: "unknown.ids")
        try expectFailure(["decode", "--vocab", "v.model", "--input", "unknown.ids", "--output", "o"],
                          message: "id 99999 at position 2 of 'unknown.ids' is not in the vocabulary", in: directory)
        try directory.write(Array("1 2 x".utf8), to: "garbage.ids")
        try expectFailure(["decode", "--vocab", "v.model", "--input", "garbage.ids"],
                          message: "at byte offset 4: unexpected 'x'", in: directory)
        try directory.write(Array(#"{"model": {"type": "WordPiece", "vocab": {}}, "normalizer": null}"#.utf8), to: "wp.json")
        try expectFailure(["encode", "--vocab", "wp.json", "--input", "text.txt", "--output", "o"],
                          message: "cannot load the vocabulary 'wp.json': its model is WordPiece, not BPE", in: directory)
        try directory.write(Array(#"{"model": {"type": "BPE", "vocab": {"a": 0"#.utf8), to: "cut.json")
        try expectFailure(["encode", "--vocab", "cut.json", "--input", "text.txt", "--output", "o"],
                          message: "cannot load the vocabulary 'cut.json': it is not a JSON object", in: directory)
        try directory.write([1, 0, 2], to: "odd.u16")
        try expectFailure(["decode", "--vocab", "v.model", "--input", "odd.u16", "--format", "u16"],
                          message: "not a whole number of 2-byte ids", in: directory)
    }

    @Test func u16RefusesVocabulariesThatDoNotFit() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let lines = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" } + ["YWI= 70000"]
        try directory.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: "wide.tiktoken")
        try expectFailure(["encode", "--vocab", "wide.tiktoken", "--pattern", "gpt2", "--input", "text.txt",
                           "--format", "u16", "--output", "o"], message: "cannot hold id 70000", in: directory)
        let u32 = try BPECommandRunner.run(
            ["encode", "--vocab", "wide.tiktoken", "--pattern", "gpt2", "--input", "text.txt", "--format", "u32",
             "--output", "o"], in: directory.path)
        #expect(u32.status == 0)
    }

    @Test func patternFillsInOnlyWhereAVocabularyHasNone() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let same = try BPECommandRunner.run(
            ["encode", "--vocab", "v.model", "--input", "text.txt", "--pattern", "gpt4"], in: directory.path)
        let plain = try BPECommandRunner.run(["encode", "--vocab", "v.model", "--input", "text.txt"], in: directory.path)
        #expect(same.status == 0 && same.standardOutput == plain.standardOutput)
        // eval: v.model keeps its gpt4 pattern while the bare .tiktoken gets gpt2.
        let tiktoken = try String(contentsOfFile: "\(directory.path)/v.tiktoken", encoding: .utf8)
        try directory.write(Array(tiktoken.utf8), to: "bare.tiktoken")
        let json = try BPECommandRunner.run(
            ["eval", "--vocab", "v.model", "--vocab", "bare.tiktoken", "--pattern", "gpt2", "--input", "text.txt", "--json"],
            in: directory.path)
        #expect(json.status == 0, "\(json.standardError)")
        let words = try json.standardOutput.split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["words"] as! Int
        }
        #expect(words == [try split(Self.text, "gpt4").filter { !$0.isEmpty }.count,
                          try split(Self.text, "gpt2").filter { !$0.isEmpty }.count])
    }

    @Test func missingVocabIsAUsageError() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        for command in ["encode", "decode", "eval"] {
            #expect(try BPECommandRunner.run([command], in: directory.path).status == 64)
        }
    }

    @Test func evalComparesVocabularies() throws {
        let directory = try Self.prepared(vocabSize: 300)
        defer { directory.remove() }
        let larger = try BPECommandRunner.run(
            ["train", "--input", "train.txt", "--vocab-size", "600", "--output", "w", "--min-frequency", "1", "--quiet"],
            in: directory.path)
        #expect(larger.status == 0)
        let table = try BPECommandRunner.run(
            ["eval", "--vocab", "v.model", "--vocab", "w.model", "--input", "text.txt"], in: directory.path)
        #expect(table.status == 0, "\(table.standardError)")
        for label in ["v.model:", "w.model:", "bytes/token", "tokens/word", "multi-byte coverage", "longest tokens used"] {
            #expect(table.standardOutput.contains(label), "\(label)")
        }
        let json = try BPECommandRunner.run(
            ["eval", "--vocab", "v.model", "--vocab", "w.model", "--input", "text.txt", "--json"], in: directory.path)
        let results = try json.standardOutput.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(results.count == 2)
        for (result, vocab) in zip(results, ["v.model", "w.model"]) {
            let ids = try Tokenizer.load(path: "\(directory.path)/\(vocab)").encode(Self.text)
            #expect(result["tokens"] as? Int == ids.count)
            #expect(result["bytes"] as? Int == Self.text.utf8.count)
            let words = try split(Self.text, "gpt4").filter { !$0.isEmpty }.count
            #expect(result["words"] as? Int == words)
            let longest = result["longest_tokens"] as! [[String: Any]]
            let lengths = longest.map { $0["bytes"] as! Int }
            #expect(lengths == lengths.sorted(by: >) && !lengths.isEmpty)
        }
        #expect((results[1]["tokens"] as! Int) < (results[0]["tokens"] as! Int))
    }

    @Test func interruptedEncodeLeavesNoFile() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let before = (directory.contents() + ["big.txt"]).sorted()
        let process = try LongEncode.start(in: directory, standardError: FileHandle.nullDevice)
        var sawTemporary = false
        for _ in 0..<2000 where process.isRunning {
            if directory.contents().contains(where: { $0.hasPrefix("big.u32.tmp-") }) {
                sawTemporary = true
                break
            }
            usleep(5000)
        }
        process.interrupt()
        process.waitUntilExit()
        #expect(sawTemporary, "the encode ended before it could be interrupted")
        #expect(process.terminationStatus == 128 + SIGINT, "exit status \(process.terminationStatus)")
        #expect(directory.contents() == before)
    }
}

/// `IDReader`: what `bpe decode` accepts.
@Suite struct IDReaderTests {
    func parse(_ bytes: [UInt8], _ format: IDFormat) throws -> [Int] {
        try bytes.withUnsafeBufferPointer { (buffer) throws(EncodeError) in try IDReader.parse(buffer, format: format, path: "x") }
    }

    @Test func textAndBinaryForms() throws {
        #expect(try parse(Array("1 22\n333\n".utf8), .ids) == [1, 22, 333])
        #expect(try parse(Array("[1,22]\n[]\n[333]\n".utf8), .json) == [1, 22, 333])
        #expect(try parse([1, 0, 0x34, 0x12], .u16) == [1, 0x1234])
        #expect(try parse([1, 0, 0, 0, 0x78, 0x56, 0x34, 0x12], .u32) == [1, 0x1234_5678])
        #expect(throws: EncodeError.malformedIDs(path: "x", offset: 2, reason: "unexpected '-' (expected digits, spaces, commas or brackets)")) {
            try parse(Array("1 -2".utf8), .ids)
        }
        #expect(throws: EncodeError.malformedIDs(path: "x", offset: 0, reason: "the number is too large for an id")) {
            try parse(Array("99999999999".utf8), .ids)
        }
    }
}
