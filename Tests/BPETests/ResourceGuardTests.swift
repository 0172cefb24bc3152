import Foundation
import Testing

/// No command may take memory out of proportion to what it is given: on the inputs that once
/// made it quadratic or bloated (a word, a whitespace run and a digit run of megabytes, cut
/// into many work units), each command's own peak RSS (from `wait4`) stays within its peak on
/// a tiny input plus a few times the bytes of its input and vocabulary (for `train`, the
/// vocabulary it writes; ids and decoded text are streamed, so they do not count).
@Suite(
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["BPE_SANITIZE"] == nil, "a sanitizer's shadow memory is no measure"))
struct ResourceGuardTests {
    /// Bytes of each hostile input.
    static let size = 3 << 20
    /// Allowed bytes of memory per byte of input and vocabulary, above the tiny-input peak.
    static let bytesPerByte = 12
    static let slack = 32 << 20

    enum Input: String, CaseIterable {
        case longWord, whitespaceRun, digitRun

        var bytes: [UInt8] {
            switch self {
            case .longWord: return [UInt8](repeating: UInt8(ascii: "a"), count: ResourceGuardTests.size)
            case .whitespaceRun:
                return Array("x".utf8) + (0..<ResourceGuardTests.size / 2).flatMap { _ in Array(" \t".utf8) } + Array("y".utf8)
            case .digitRun: return (0..<ResourceGuardTests.size).map { UInt8(ascii: "0") + UInt8($0 % 10) }
            }
        }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    /// Runs `arguments` on the tiny input and on `input`; checks both succeed and the peak.
    static func expectBounded(
        _ arguments: (_ input: String) -> [String], input: Input, vocabulary: Int, in directory: TemporaryDirectory,
        outputs: [String] = []
    ) throws {
        let tiny = try BPECommandRunner.runMeasuringMemory(arguments("tiny.txt"), in: directory.path)
        #expect(tiny.result.status == 0, "\(tiny.result.standardError)")
        let big = try BPECommandRunner.runMeasuringMemory(arguments("\(input.rawValue).txt"), in: directory.path)
        #expect(big.result.status == 0, "\(big.result.standardError)")
        let written = outputs.reduce(0) { $0 + fileSize("\(directory.path)/\($1)") }
        let allowed = tiny.peakBytes + bytesPerByte * (size + vocabulary + written) + slack
        #expect(
            big.peakBytes <= allowed,
            "\(arguments("…").first!) on \(input): peak \(big.peakBytes >> 20) MiB, tiny \(tiny.peakBytes >> 20) MiB, allowed \(allowed >> 20) MiB")
    }

    @Test(arguments: Input.allCases)
    func everyCommandStaysWithinAFewTimesItsInput(input: Input) throws {
        let directory = try EncodeCommandLineTests.prepared()
        defer { directory.remove() }
        try directory.write(Array("hello world\n".utf8), to: "tiny.txt")
        try directory.write(input.bytes, to: "\(input.rawValue).txt")
        let vocabulary = Self.fileSize("\(directory.path)/v.tiktoken")
        // Small work units, so that many start inside the word or run.
        let shards = ["--shard-bytes", "65536", "--threads", "2"]

        try Self.expectBounded({ ["train", "--input", $0, "--vocab-size", "400", "--output", "t", "--quiet"] + shards },
                               input: input, vocabulary: 0, in: directory,
                               outputs: ["t.tiktoken", "t.model", "t.vocab", "t.train.json"])
        try Self.expectBounded({ ["encode", "--vocab", "v.model", "--input", $0, "--format", "u32", "--output", "ids.u32", "--quiet"] + shards },
                               input: input, vocabulary: vocabulary, in: directory)
        try Self.expectBounded({ ["eval", "--vocab", "v.model", "--input", $0] + shards },
                               input: input, vocabulary: vocabulary, in: directory)
        try Self.expectBounded({ ["split-throughput", "--input", $0, "--count"] + shards },
                               input: input, vocabulary: 0, in: directory)
        // Decoding the ids back gives the input, within the same bound.
        _ = try BPECommandRunner.run(
            ["encode", "--vocab", "v.model", "--input", "tiny.txt", "--format", "u32", "--output", "tiny.u32", "--quiet"],
            in: directory.path)
        _ = try BPECommandRunner.run(
            ["encode", "--vocab", "v.model", "--input", "\(input.rawValue).txt", "--format", "u32",
             "--output", "\(input.rawValue).u32", "--quiet"], in: directory.path)
        try Self.expectBounded({
            ["decode", "--vocab", "v.model", "--input", $0.replacingOccurrences(of: ".txt", with: ".u32"), "--format", "u32",
             "--output", "back.txt"]
        }, input: input, vocabulary: vocabulary, in: directory)
        let back = try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/back.txt"))
        #expect(Array(back) == input.bytes, "decode of encode is the input")
    }
    /// `--threads` far above the cores costs no memory for threads that cannot run: the words
    /// are copied into the learner in at most one part per worker (one part per thread asked
    /// for took 2 GiB at 4,096), from text and from a count file, each large enough (60,000
    /// distinct words) to be copied in parts.
    @Test func aHugeThreadCountCostsNoMemory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Distinct five-letter words: the digits of 0 ..< 60,000 spelled with a ... j.
        let words = (0..<60_000).map { number in
            String(String(number + 100_000).dropFirst().map { Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(String($0))!)) })
        }
        try directory.write(Array(words.joined(separator: " ").utf8), to: "words.txt")
        let counted = try BPECommandRunner.run(["count", "--input", "words.txt", "--output", "words.counts"], in: directory.path)
        #expect(counted.status == 0, "\(counted.standardError)")
        for input in [["--input", "words.txt"], ["--counts", "words.counts"]] {
            let train = ["train"] + input + ["--vocab-size", "400", "--output", "t", "--quiet", "--threads"]
            let few = try BPECommandRunner.runMeasuringMemory(train + ["2"], in: directory.path)
            let many = try BPECommandRunner.runMeasuringMemory(train + ["4096"], in: directory.path)
            #expect(few.result.status == 0 && many.result.status == 0, "\(many.result.standardError)")
            #expect(many.peakBytes <= few.peakBytes + (128 << 20),
                    "\(input[0]): \(many.peakBytes >> 20) MiB at 4,096 threads, \(few.peakBytes >> 20) MiB at 2")
        }
    }
}
