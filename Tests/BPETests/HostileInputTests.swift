import Foundation
import Testing

/// Issue 9's hostile inputs, as a user meets them: each a clean one-line error (or a correct
/// result), never a crash, an engine limit, an out-of-memory kill or a half-set of outputs.
/// (Time and memory on long words and runs: `SegmentRepairTests`, `ResourceGuardTests`.)
@Suite struct HostileInputTests {
    /// A directory with `t.txt` and the vocabulary `v.model`/`v.tiktoken`/`v.train.json`.
    static func prepared() throws -> TemporaryDirectory {
        let directory = try EncodeCommandLineTests.prepared()
        try directory.write(Array("hello world hello there\n".utf8), to: "t.txt")
        return directory
    }

    static func run(_ arguments: [String], in directory: TemporaryDirectory) throws -> CommandResult {
        try BPECommandRunner.run(arguments, in: directory.path)
    }

    @Test func aVocabularySizeBeyondAnyCorpusIsANoteNotACrash() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let result = try Self.run(["train", "--input", "t.txt", "--vocab-size", "2000000000000000000", "--output", "a"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("note: learned"))
    }

    @Test func anIDFarBeyondTheVocabularyIsAnErrorNotAGigabyteTable() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        var lines = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }
        lines.append("YWI= 4000000000")
        try directory.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: "far.tiktoken")
        try expectFailure(["encode", "--vocab", "far.tiktoken", "--pattern", "gpt2", "--input", "t.txt"],
                          message: "id 4000000000 is far beyond its 257 tokens", in: directory)
        try expectFailure(["encode", "--vocab", "v.model", "--input", "t.txt", "--special-token", "<x>=4000000000"],
                          message: "is far beyond", in: directory)
        try expectFailure(["encode", "--vocab", "v.model", "--input", "t.txt", "--special-token", "<x>=9223372036854775807"],
                          message: "invalid value '<x>=9223372036854775807' for --special-token: the id is out of range", in: directory)
        try expectFailure(["decode", "--vocab", "v.model", "--input", "t.txt", "--special-token", "<x>=-1"],
                          message: "invalid value '<x>=-1' for --special-token: the id is out of range", in: directory)
    }

    @Test func fileThatSaysItIsEmptyButIsNotIsRead() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        // /proc files report size 0 and have content.
        let result = try Self.run(["encode", "--vocab", "v.model", "--input", "/proc/self/status", "--allow-special", "none"],
                                  in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.split(separator: " ").count > 10)
    }

    @Test func aTargetThatIsADirectoryStopsTrainingBeforeAnyFileIsReplaced() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        // w.model is an earlier output; w.vocab is a directory in the way.
        let model = try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/v.model"))
        try directory.write(Array(model), to: "w.model")
        try FileManager.default.createDirectory(atPath: "\(directory.path)/w.vocab", withIntermediateDirectories: false)
        try expectFailure(["train", "--input", "t.txt", "--vocab-size", "300", "--output", "w"],
                          message: "cannot write 'w.vocab': it is a directory", in: directory)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/w.model")) == model, "w.model untouched")
    }

    @Test func outputPrefixesThatNameNoFilesAreRefused() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        try expectFailure(["train", "--input", "t.txt", "--vocab-size", "300", "--output", "/dev/null"],
                          message: "invalid value '/dev/null' for --output: it is a device or a pipe", in: directory)
        try expectFailure(["train", "--input", "t.txt", "--vocab-size", "300", "--output", "out/"],
                          message: "invalid value 'out/' for --output: the prefix ends with '/'", in: directory)
    }

    @Test func specialTokensMinbpeCannotHoldAreRefusedForIt() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        for token in ["a b", "line\nbreak", "tab\there"] {
            try expectFailure(["train", "--input", "t.txt", "--vocab-size", "300", "--special-token", token, "--output", "s"],
                              message: "minbpe's .model cannot hold a special token with white space", in: directory)
        }
        let tiktokenOnly = try Self.run(["train", "--input", "t.txt", "--vocab-size", "300", "--special-token", "a b",
                                         "--format", "tiktoken", "--output", "s", "--quiet"], in: directory)
        #expect(tiktokenOnly.status == 0, "\(tiktokenOnly.standardError)")
    }

    @Test func anArgumentThatIsNotUTF8IsRefused() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        // Process takes String arguments; the shell passes the raw bytes.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" train --input t.txt --vocab-size 300 --special-token \"$(printf '\\377\\376')\"",
                             BPECommandRunner.executable]
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(text.contains("error: command-line argument 7 is not valid UTF-8"), "\(text)")
    }

    @Test func aPatternThatSwitchesJITOffStillSplits() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let result = try Self.run(["split-throughput", "--input", "t.txt", "--pattern", #"(*NO_JIT)\w+|\s+"#], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("words=8"), "\(result.standardOutput)")
    }

    /// A 12 MB run of spaces between two letters: `\s*[\r\n]` backtracks over all of it,
    /// more than PCRE2's default match limit of 10 million ("match limit exceeded"; 20 MB was
    /// the reported case): valid text must never hit an engine limit. Cut into 64 KiB units,
    /// so the walk repairs, too. (Encoding a run that long in a debug build takes half a
    /// minute in the long-word merger, so the encode round trip uses 1 MB.)
    @Test func aRunOfSpacesBeyondPCRE2sMatchLimitTrainsAndEncodes() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        func spaces(_ count: Int) -> [UInt8] {
            Array("x".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: count) + Array("y".utf8)
        }
        try directory.write(spaces(12_000_000), to: "spaces.txt")
        let trained = try Self.run(
            ["train", "--input", "spaces.txt", "--vocab-size", "260", "--output", "s", "--shard-bytes", "65536"], in: directory)
        #expect(trained.status == 0, "\(trained.standardError)")
        #expect(trained.standardError.contains("3 words, 3 unique"), "\(trained.standardError)")
        try directory.write(spaces(1_000_000), to: "short.txt")
        let encoded = try Self.run(
            ["encode", "--vocab", "s.model", "--input", "short.txt", "--format", "u32", "--output", "s.u32",
             "--shard-bytes", "65536"], in: directory)
        #expect(encoded.status == 0, "\(encoded.standardError)")
        let decoded = try Self.run(["decode", "--vocab", "s.model", "--input", "s.u32", "--format", "u32", "--output", "back.txt"],
                                   in: directory)
        #expect(decoded.status == 0, "\(decoded.standardError)")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/back.txt"))) == spaces(1_000_000))
    }

    @Test func vocabularyFileMessagesSayWhatIsWrongWhere() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        try expectFailure(["encode", "--vocab", "v.model", "--merges", "x.bpe", "--input", "t.txt"],
                          message: "--merges goes only with GPT-2's encoder.json", in: directory)
        let model = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/v.model")), as: UTF8.self)
        let lines = model.split(separator: "\n", omittingEmptySubsequences: false)
        try directory.write(Array(lines.prefix(2).joined(separator: "\n").utf8), to: "short.model")
        try expectFailure(["encode", "--vocab", "short.model", "--input", "t.txt"],
                          message: "the file ends at line 2, before the number of special tokens", in: directory)
        var tiktoken = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }
        tiktoken[4] = "not base64!"
        try directory.write(Array(tiktoken.joined(separator: "\n").utf8), to: "bad.tiktoken")
        try expectFailure(["encode", "--vocab", "bad.tiktoken", "--pattern", "gpt2", "--input", "t.txt"],
                          message: "cannot load the vocabulary 'bad.tiktoken': line 5: expected 'BASE64 RANK'", in: directory)
    }

    @Test func aCRLFModelLoadsAsMinbpeLoadsIt() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let model = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/v.model")), as: UTF8.self)
        try directory.write(Array(model.replacingOccurrences(of: "\n", with: "\r\n").utf8), to: "crlf.model")
        let plain = try Self.run(["encode", "--vocab", "v.model", "--input", "text.txt", "--quiet"], in: directory)
        let crlf = try Self.run(["encode", "--vocab", "crlf.model", "--input", "text.txt", "--quiet"], in: directory)
        #expect(plain.status == 0 && crlf.status == 0, "\(crlf.standardError)")
        #expect(crlf.standardOutput == plain.standardOutput)
    }

    /// Long lists of special tokens come from a file (thousands of options are slow for the
    /// argument parser); the result equals giving them as options.
    @Test func specialTokensFromAFileEqualThemAsOptions() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let tokens = (0..<40).map { "<t\($0)>" }
        try directory.write(Array((tokens.joined(separator: "\r\n") + "\n\n").utf8), to: "tokens.txt")
        var text = ""
        for index in 0..<400 { text += "word \(index % 7) <t\(index % 50)> <tx " }
        try directory.write(Array(text.utf8), to: "many.txt")
        let fromFile = try Self.run(["train", "--input", "many.txt", "--vocab-size", "340", "--special-tokens-file", "tokens.txt",
                                     "--output", "f", "--quiet"], in: directory)
        let fromOptions = try Self.run(["train", "--input", "many.txt", "--vocab-size", "340", "--output", "o", "--quiet"]
                                       + tokens.flatMap { ["--special-token", $0] }, in: directory)
        #expect(fromFile.status == 0 && fromOptions.status == 0, "\(fromFile.standardError)")
        let a = try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/f.model"))
        let b = try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/o.model"))
        #expect(a == b)
        let lines = String(decoding: a, as: UTF8.self).split(separator: "\n")
        #expect(lines[2] == "40" && lines[3].hasPrefix("<t0> ") && lines[42].hasPrefix("<t39> "))
    }

    /// A mapped input that another program truncates raises SIGBUS on the next read of a
    /// vanished page (or a short read in the read phase): one line naming the file, exit 1,
    /// the output's temporary removed (it was a crash with a backtrace and a `*.tmp-PID` left
    /// behind).
    @Test func anInputTruncatedWhileMappedIsAOneLineError() throws {
        let directory = try Self.prepared()
        defer { directory.remove() }
        let before = (directory.contents() + ["big.txt"]).sorted()
        let errors = Pipe()
        let process = try LongEncode.start(in: directory, arguments: ["--threads", "1"], standardError: errors)
        // Truncate only once the file is mapped (before, it would just be a short input).
        var mapped = false
        for _ in 0..<15_000 where process.isRunning {  // up to 30 s: sanitizer builds start slowly
            // Read to the end (a /proc file says its size is 0).
            if let maps = FileHandle(forReadingAtPath: "/proc/\(process.processIdentifier)/maps")?.readDataToEndOfFile(),
               String(decoding: maps, as: UTF8.self).contains("\(directory.path)/big.txt") {
                mapped = true
                break
            }
            usleep(2000)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory.path)/big.txt"))
        try handle.truncate(atOffset: 1000)
        try handle.close()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(mapped, "the encode ended before the file was mapped: \(text)")
        #expect(process.terminationStatus == 1, "\(text)")
        // Caught by the read phase's `pread` (a short read) or by a later phase's SIGBUS.
        #expect(text == "error: 'big.txt' shrank while it was being read (another program truncated or rewrote it); "
                + "run again when it no longer changes\n"
                || text == "error: cannot read 'big.txt': it shrank while it was being read (another program "
                + "truncated or rewrote it); run again when it no longer changes\n", "\(text)")
        #expect(directory.contents() == before)
    }
}
