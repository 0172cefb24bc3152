import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// SPEC §1 and §7 as seen from the shell: exit codes, one-line errors, and never an output
/// file left behind by a failed run.
@Suite struct CommandLineTests {
    /// Runs `bpe train ARGS` in a fresh directory holding `good.txt` and `bad.txt` (see the
    /// shared `expectFailure`).
    func expectFailure(
        _ arguments: [String], status: Int32, message: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Array("hello world, hello there. hello again!\n".utf8), to: "good.txt")
        try directory.write([0x68, 0x69, 0x20, 0x61, 0x62, 0xC3, 0x28, 0x0A], to: "bad.txt")
        try BPETests.expectFailure(["train"] + arguments, status: status, message: message, in: directory,
                                   sourceLocation: sourceLocation)
        #expect(directory.contents() == ["bad.txt", "good.txt"], sourceLocation: sourceLocation)
    }

    @Test func missingInputFileIsAnError() throws {
        try expectFailure(["--input", "nope.txt", "--vocab-size", "300"], status: 1,
                          message: "cannot read 'nope.txt': No such file or directory")
    }

    @Test func directoryAsInputIsAnError() throws {
        try expectFailure(["--input", ".", "--vocab-size", "300"], status: 1, message: "it is a directory")
    }

    @Test func invalidUTF8NamesFileAndOffset() throws {
        try expectFailure(["--input", "good.txt", "--input", "bad.txt", "--vocab-size", "300"], status: 1,
                          message: "invalid UTF-8 in 'bad.txt' at byte offset 5")
    }

    @Test func patternThatDoesNotCompileNamesPCRE2sMessageAndOffset() throws {
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--pattern", "a(b"], status: 1,
                          message: "missing closing parenthesis at pattern offset 3")
    }

    @Test func vocabularyTooSmallForBytesAndSpecialTokens() throws {
        try expectFailure(["--input", "good.txt", "--vocab-size", "256", "--special-token", "<s>"], status: 1,
                          message: "--vocab-size 256 is too small: it must be at least 257")
    }

    @Test func unwritableOutputFailsBeforeTraining() throws {
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--output", "missing-dir/tok"], status: 1,
                          message: "cannot write 'missing-dir/tok.*'")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--output", "good.txt/tok"], status: 1,
                          message: "cannot write")
    }

    @Test func badValuesExitWithOne() throws {
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--threads", "0"], status: 1, message: "--threads")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--shard-bytes", "0"], status: 1, message: "--shard-bytes")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--format", "xml"], status: 1, message: "'xml'")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--invalid-utf8", "skip"], status: 1, message: "--invalid-utf8")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--split-engine", "re2"], status: 1, message: "--split-engine")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--tie-break", "random"], status: 1, message: "--tie-break")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--input-format", "csv"], status: 1, message: "--input-format")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--input-format", "jsonl", "--text-field", ""], status: 1, message: "--text-field")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--min-frequency=-1"], status: 1, message: "--min-frequency")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--max-token-length", "0"], status: 1, message: "--max-token-length")
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--special-token", "<s>", "--special-token", "<s>"],
                          status: 1, message: "given twice")
    }

    @Test func unparsableCommandLinesExitWithUsageCode() throws {
        try expectFailure(["--input", "good.txt", "--vocab-size", "300", "--frobnicate"], status: 64)
        try expectFailure(["--input", "good.txt", "--vocab-size"], status: 64)
        try expectFailure(["--input", "good.txt", "--vocab-size", "many"], status: 64)
        try expectFailure(["--vocab-size", "300"], status: 64)
        try expectFailure(["--input", "good.txt"], status: 64)
    }

    @Test func emptyCorpusTrainsNoMergesAndSaysSo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write([], to: "empty.txt")
        let result = try BPECommandRunner.run(["train", "--input", "empty.txt", "--vocab-size", "300"], in: directory.path)
        #expect(result.status == 0)
        #expect(result.standardError.contains("note: learned 0 of 44 merges"))
        let model = try String(contentsOfFile: "\(directory.path)/tokenizer.model", encoding: .utf8)
        #expect(model.split(separator: "\n").count == 3)
    }

    @Test func standardInputAndReplaceModeTrain() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text: [UInt8] = Array("ab ab ab ab \u{FFFD}\u{FFFD}".utf8)
        let invalid: [UInt8] = Array("ab ab ab ab ".utf8) + [0xFF, 0xFE]
        let fromStdin = try BPECommandRunner.run(
            ["train", "--input", "-", "--vocab-size", "260", "--invalid-utf8", "replace", "--output", "a", "--quiet"],
            standardInput: invalid, in: directory.path)
        #expect(fromStdin.status == 0, "\(fromStdin.standardError)")
        #expect(fromStdin.standardError.isEmpty)
        try directory.write(text, to: "clean.txt")
        let fromFile = try BPECommandRunner.run(
            ["train", "--input", "clean.txt", "--vocab-size", "260", "--output", "b", "--quiet"], in: directory.path)
        #expect(fromFile.status == 0)
        let a = try String(contentsOfFile: "\(directory.path)/a.model", encoding: .utf8)
        let b = try String(contentsOfFile: "\(directory.path)/b.model", encoding: .utf8)
        #expect(a == b)
        #expect(a.split(separator: "\n").count > 3)
    }

    @Test func profilePrintsEveryPhase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Array(String(repeating: "the cat sat on the mat. ", count: 200).utf8), to: "c.txt")
        let result = try BPECommandRunner.run(
            ["train", "--input", "c.txt", "--vocab-size", "280", "--profile"], in: directory.path)
        #expect(result.status == 0)
        for label in ["read", "split+count", "merge tables", "init pairs", "merge loop", "write", "peak RSS"] {
            #expect(result.standardError.contains(label), "\(label)")
        }
        #expect(directory.contents() == ["c.txt", "tokenizer.model", "tokenizer.tiktoken", "tokenizer.train.json", "tokenizer.vocab"])
    }

    @Test func executableUsesJemallocAndPCRE2() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [BPECommandRunner.executable]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // Scripts/sanitize builds without jemalloc (BPE_SANITIZE), on purpose.
        #expect(output.contains("libjemalloc") || ProcessInfo.processInfo.environment["BPE_SANITIZE"] != nil)
        #expect(output.contains("libpcre2-8"))
    }

    @Test func splitThroughputReportsTheSameWordsWithAndWithoutCounting() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Array(String(repeating: "the cat sat.<|endoftext|>  on the mat\n", count: 300).utf8), to: "c.txt")
        var words: [String] = []
        for extra in [[], ["--count"]] {
            let result = try BPECommandRunner.run(
                ["split-throughput", "--input", "c.txt", "--special-token", "<|endoftext|>", "--shard-bytes", "5"] + extra,
                in: directory.path)
            #expect(result.status == 0, "\(result.standardError)")
            let fields = result.standardOutput.split(separator: " ")
            words += fields.filter { $0.hasPrefix("words=") }.map(String.init)
            if extra.isEmpty == false { #expect(result.standardOutput.contains("unique=9")) }
        }
        // Python `regex` on the same documents: 2,700 words, 9 distinct ("the", " cat", " sat",
        // ".", " ", " on", " the", " mat", "\n").
        #expect(words == ["words=2700", "words=2700"])
        #expect(directory.contents() == ["c.txt"])
    }
}
