import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// SPEC §2: special tokens split the text (leftmost, longest at a position), are never
/// counted, and are found wherever the reading pass cuts the text into chunks.
@Suite struct SpecialTokenTests {
    @Test func longestTokenWinsAtOnePositionAndScanResumesAfterIt() {
        let scanner = SpecialTokenScanner(["<|end|>", "<|endoftext|>", "ab", "ba"])
        let text = Array("x<|endoftext|>y<|end|>aba".utf8)
        let found = text.withUnsafeBufferPointer { scanner.occurrences(in: $0, threads: 1) }
        // "aba": "ab" is leftmost; the "ba" that overlaps it is not a second token.
        #expect(found.map(\.range) == [1..<14, 15..<22, 22..<24])
        #expect(found.map(\.token) == [1, 0, 2])
    }

    /// The reading pass validates and searches 8 MiB chunks in parallel; a token that starts
    /// in one chunk and ends in the next is still found, once.
    @Test(arguments: [1, 2])
    func tokenAcrossAReadingChunkBoundaryIsFound(threads: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let chunk = 8 << 20
        var text = [UInt8](repeating: UInt8(ascii: "a"), count: chunk - 5)
        text += Array("<|endoftext|>".utf8)
        for _ in 0..<200 { text += Array(" word".utf8) }
        text += Array("<|endoftext|>tail".utf8)
        let input = try directory.write(text, to: "big.txt")
        var configuration = TrainConfiguration(inputs: [input], vocabSize: 257)
        configuration.specialTokens = ["<|endoftext|>"]
        configuration.threads = threads
        let outcome = try Training.learn(configuration)
        #expect(outcome.corpus.specialTokenOccurrences == 2)
        // The run of "a", 200 × " word", "tail": no word holds a piece of a special token.
        #expect(outcome.corpus.words == 202)
        #expect(outcome.corpus.uniqueWords == 3)
    }
}
