import Foundation
import SystemPackage
import Testing
@_spi(Plumbing) @testable import BPECore

/// The read phase with `pread` (`ReadingScan`) gives the answers of one serial pass over the
/// whole text: the first invalid UTF-8 offset (Swift's decoder is the oracle) and the special
/// tokens found, whatever the chunk size and the number of threads, with chunk ends falling
/// inside multi-byte characters, inside special tokens and inside runs of stray continuation
/// bytes.
@Suite struct ReadingScanTests {
    /// One token longer than the cut's lookahead, so that chunks must read past it.
    static let longToken = "<|" + String(repeating: "x", count: 80) + "|>"
    static let tokens = ["<|endoftext|>", "<|fim|>", "<|e", longToken]

    /// Scans `bytes` written to a file with chunks of `chunkSize` bytes on `threads` threads.
    static func scan(
        _ bytes: [UInt8], chunkSize: Int, threads: Int, size: Int? = nil, in directory: TemporaryDirectory
    ) throws -> (invalidAt: Int?, occurrences: [SpecialTokenOccurrence]) {
        let path = try directory.write(bytes, to: "input.txt")
        let descriptor = try FileDescriptor.open(FilePath(path), .readOnly)
        defer { try? descriptor.close() }
        let scanner = SpecialTokenScanner(tokens)
        let (invalidAt, candidates) = try ReadingScan.scan(
            descriptor, size: size ?? bytes.count, path: path, scanner: scanner, threads: threads, chunkSize: chunkSize)
        return (invalidAt, SpecialTokenScanner.leftmost(candidates))
    }

    @Test func chunkedReadingMatchesOneSerialPass() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = CorpusGenerator(seed: 11)
        let valid: [[UInt8]] = [
            Array("text ".utf8), [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80],
            Array("<|endoftext|>".utf8), Array("<|fim|>".utf8), Array("<|e".utf8), Array("<|".utf8),
            Array(Self.longToken.utf8), Array(Self.longToken.utf8.dropLast()),
            Array(String(repeating: "語", count: 30).utf8),
        ]
        let invalid: [[UInt8]] = [
            [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF],
            Array(repeating: 0x80, count: 100), Array(repeating: 0xBF, count: 70),
        ]
        for round in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<generator.below(40) { bytes += generator.pick(valid) }
            // Half the inputs stay well-formed.
            if round % 2 == 1 {
                let bad = generator.pick(invalid)
                let at = generator.below(bytes.count + 1)
                bytes.insert(contentsOf: bad, at: at)
            }
            let expectedOffset = UTF8ValidationTests.oracle(bytes)
            let expectedTokens = bytes.withUnsafeBufferPointer {
                SpecialTokenScanner(Self.tokens).occurrences(in: $0, threads: 1)
            }
            for chunkSize in [1, 3, 7, 64, 100] {
                for threads in [1, 3] {
                    let found = try Self.scan(bytes, chunkSize: chunkSize, threads: threads, in: directory)
                    #expect(found.invalidAt == expectedOffset, "round \(round), chunks of \(chunkSize): \(bytes)")
                    #expect(found.occurrences == expectedTokens, "round \(round), chunks of \(chunkSize)")
                }
            }
        }
    }

    @Test func aFileShorterThanItsSizeIsAnErrorNamingIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect {
            _ = try Self.scan(Array("short text".utf8), chunkSize: 4, threads: 2, size: 20, in: directory)
        } throws: { error in
            guard case let .file(failure) = error as? InputError else { return false }
            return failure.path.hasSuffix("input.txt") && failure.reason.contains("shrank")
        }
    }

    /// A mapped input is read again by its path only while the path names the same file;
    /// replaced, it is scanned through its mapping, with the same answers.
    @Test func anInputReplacedAfterOpeningIsScannedThroughItsMapping() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = Array("a <|endoftext|> b \u{00E9}".utf8)
        let path = try directory.write(text, to: "input.txt")
        let file = try CorpusFile.open(path)
        let reopened = try #require(file.reopenForReading())
        try reopened.close()
        try directory.write(Array("replaced".utf8), to: "other.txt")
        #expect(rename("\(directory.path)/other.txt", path) == 0)
        #expect(file.reopenForReading() == nil)
        let scanner = SpecialTokenScanner(Self.tokens)
        let (invalidAt, candidates) = try InputReader.scan(file, scanner: scanner, threads: 2)
        #expect(invalidAt == nil)
        #expect(SpecialTokenScanner.leftmost(candidates).map(\.range) == [2..<15])
    }
}
