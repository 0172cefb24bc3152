import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding

/// `EncodedStream`, the join of encoded units: a unit that starts inside a piece loses the
/// leading words the unit before already encoded (those before its hand-off word), re-encodes
/// when it recorded too few, and a unit passed over entirely leaves the hand-off in place.
@Suite struct EncodedStreamTests {
    static func unit(
        ids: [TokenID], words: Int, insidePiece: Int? = nil, leading: [(Range<Int>, Int)] = [],
        complete: Bool = true, handOff: Range<Int>? = nil
    ) -> EncodedUnit {
        var unit = EncodedUnit(file: 0)
        unit.ids = ids
        unit.words = words
        unit.insidePiece = insidePiece
        unit.leadingWords = leading.map { .init(start: $0.0.lowerBound, end: $0.0.upperBound, idEnd: $0.1) }
        unit.leadingWordsComplete = complete
        unit.handOff = handOff.map { (0, $0) }
        return unit
    }

    static func never() throws(EncodeError) -> EncodedUnit { Issue.record("re-encoded"); return unit(ids: [], words: 0) }

    @Test func wordsBeforeTheHandOffAreDropped() throws {
        var stream = EncodedStream()
        let first = try stream.admit(Self.unit(ids: [1, 2, 3], words: 3, handOff: 8..<12), reencode: Self.never)
        #expect(Array(first.ids) == [1, 2, 3] && first.words == 3)
        // The second unit saw 5..<8 (not a true word: the first unit's walk superseded it).
        let second = try stream.admit(
            Self.unit(ids: [9, 3, 4], words: 3, insidePiece: 0, leading: [(5..<8, 1), (8..<12, 2), (12..<20, 3)]),
            reencode: Self.never)
        #expect(Array(second.ids) == [3, 4] && second.words == 2)
    }

    @Test func tooFewRecordedWordsAreEncodedAgain() throws {
        var stream = EncodedStream()
        _ = try stream.admit(Self.unit(ids: [1], words: 1, handOff: 8..<12), reencode: Self.never)
        var reencoded = false
        let second = try stream.admit(
            Self.unit(ids: [7, 8, 3], words: 3, insidePiece: 0, leading: [(4..<6, 1)], complete: false)
        ) { () throws(EncodeError) in
            reencoded = true
            return Self.unit(ids: [7, 8, 3], words: 3, insidePiece: 0, leading: [(4..<6, 1), (6..<8, 2), (8..<12, 3)])
        }
        #expect(reencoded)
        #expect(Array(second.ids) == [3] && second.words == 1)
    }

    @Test func aUnitPassedOverKeepsTheEarlierHandOff() throws {
        var stream = EncodedStream()
        _ = try stream.admit(Self.unit(ids: [1], words: 1, handOff: 30..<34), reencode: Self.never)
        // Every word of the middle unit lies before 30..<34: dropped whole, hand-off kept.
        let middle = try stream.admit(
            Self.unit(ids: [5, 6], words: 2, insidePiece: 0, leading: [(10..<15, 1), (15..<20, 2)], handOff: 20..<25),
            reencode: Self.never)
        #expect(middle.ids.isEmpty && middle.words == 0)
        let last = try stream.admit(
            Self.unit(ids: [8, 9], words: 2, insidePiece: 0, leading: [(26..<30, 1), (30..<34, 2)]), reencode: Self.never)
        #expect(Array(last.ids) == [9])
    }
}
