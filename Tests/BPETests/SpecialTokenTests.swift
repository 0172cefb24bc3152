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

    /// Many tokens (issue 9: 20,000 sharing a first byte made the scan 80× slower than
    /// training) go through a trie; it finds exactly what comparing each token finds, and what
    /// a literal leftmost-longest scan finds, with tokens that are prefixes of each other.
    @Test(arguments: [true, false])
    func trieFindsWhatComparingEachTokenFinds(sharedFirstByte: Bool) {
        var generator = CorpusGenerator(seed: sharedFirstByte ? 41 : 42)
        let alphabet = Array("<|ab>".utf8)
        var tokens = Set<[UInt8]>()
        while tokens.count < 300 {
            var token = sharedFirstByte ? [UInt8(ascii: "<")] : []
            for _ in 0..<(1 + generator.below(7)) { token.append(alphabet[generator.below(alphabet.count)]) }
            tokens.insert(token)
        }
        let list = tokens.map { String(decoding: $0, as: UTF8.self) }.sorted()
        let text = (0..<20_000).map { _ in alphabet[generator.below(alphabet.count)] }
        let withTrie = text.withUnsafeBufferPointer { SpecialTokenScanner(list, trieThreshold: 0).occurrences(in: $0, threads: 2) }
        let compared = text.withUnsafeBufferPointer { SpecialTokenScanner(list, trieThreshold: .max).occurrences(in: $0, threads: 1) }
        #expect(withTrie == compared)
        // The literal rule: at each position take the longest token there, then resume after it.
        var expected: [SpecialTokenOccurrence] = []
        var position = 0
        let byLength = list.enumerated().sorted { $0.element.utf8.count > $1.element.utf8.count }
        while position < text.count {
            if let hit = byLength.first(where: { text[position...].starts(with: Array($0.element.utf8)) }) {
                expected.append(SpecialTokenOccurrence(range: position..<(position + hit.element.utf8.count), token: hit.offset))
                position += hit.element.utf8.count
            } else {
                position += 1
            }
        }
        #expect(withTrie == expected)
        #expect(expected.count > 1000)
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
