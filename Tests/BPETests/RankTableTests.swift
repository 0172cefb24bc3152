import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding

/// `RankTable`, encoding's byte string → id lookup: every token is found by every lookup path
/// (plain, probed, two-byte table, byte table), nothing else is, and duplicates are reported.
@Suite struct RankTableTests {
    static let tokens: [(bytes: [UInt8], id: TokenID)] = {
        var tokens = (0..<256).map { (bytes: [UInt8($0)], id: TokenID($0)) }
        let words = ["th", "the", " the", "ing", "tokenizer", " tokenization", "ab", "abcdefgh", "abcdefghi", "é", "日本語"]
        for (index, word) in words.enumerated() { tokens.append((Array(word.utf8), TokenID(256 + index))) }
        return tokens
    }()

    @Test func everyTokenIsFoundByEveryPathAndNothingElse() {
        let table = RankTable(Self.tokens)
        #expect(table.firstDuplicate == nil)
        #expect(table.count == Self.tokens.count)
        for token in Self.tokens {
            token.bytes.withUnsafeBufferPointer { bytes in
                let base = bytes.baseAddress!
                #expect(table.rank(base, bytes.count) == token.id, "\(token.bytes)")
                let probe = table.probe(base, bytes.count)
                #expect(table.mayContain(probe), "the filter never denies a token")
                #expect(table.rank(base, bytes.count, from: probe) == token.id)
                if bytes.count == 2 { #expect(table.rank2(base) == token.id) }
                if bytes.count == 1 { #expect(table.byteRanks[Int(bytes[0])] == token.id) }
            }
        }
        for other in ["thee", "abcdefg", "abcdefghij", "tokenize", "日本", "xy"] {
            let bytes = Array(other.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                #expect(table.rank(buffer.baseAddress!, buffer.count) == .none, "\(other)")
                if buffer.count == 2 { #expect(table.rank2(buffer.baseAddress!) == .none) }
            }
        }
    }

    @Test func aDuplicateKeepsTheFirstIDAndIsReported() {
        let table = RankTable(Self.tokens + [(Array("the".utf8), 999)])
        #expect(table.firstDuplicate == 999)
        Array("the".utf8).withUnsafeBufferPointer { #expect(table.rank($0.baseAddress!, 3) == 257) }
    }
}
