import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPETraining

/// `TokenVocabulary`: its eight-byte-prefix comparison orders tokens exactly as
/// `ByteOrder.compare` (unsigned bytes, a proper prefix first), zero bytes and tokens longer
/// than eight bytes included; `contains` finds every token appended and nothing else, through
/// the growth of its index.
@Suite struct TokenVocabularyTests {
    @Test func comparisonAndLookupAgreeWithTheBytes() {
        var generator = CorpusGenerator(seed: 5)
        let vocabulary = TokenVocabulary()
        var tokens = (0..<256).map { [UInt8($0)] }
        var known = Set(tokens)
        // Short and long tokens over a small alphabet with zero bytes, so that many share
        // prefixes, are prefixes of each other, or differ only past byte eight.
        while tokens.count < 5_000 {
            let length = 1 + generator.below(generator.below(3) == 0 ? 20 : 9)
            let token = (0..<length).map { _ in [0, 1, 97, 255][generator.below(4)] as UInt8 }
            #expect(vocabulary.contains(token) == known.contains(token))
            guard known.insert(token).inserted else { continue }
            #expect(vocabulary.append(token) == UInt32(tokens.count))
            tokens.append(token)
        }
        for token in tokens { #expect(vocabulary.contains(token)) }
        #expect(!vocabulary.contains([97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 2]))
        for _ in 0..<20_000 {
            let a = UInt32(generator.below(tokens.count))
            let b = UInt32(generator.below(tokens.count))
            let expected = tokens[Int(a)].withUnsafeBufferPointer { x in
                tokens[Int(b)].withUnsafeBufferPointer { y in ByteOrder.compare(x, y).signum() }
            }
            #expect(vocabulary.compareBytes(a, b).signum() == expected, "\(tokens[Int(a)]) vs \(tokens[Int(b)])")
        }
    }
}
