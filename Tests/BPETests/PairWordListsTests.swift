import Testing
@testable import BPETraining

/// `PairWordLists`: adopted lists read back as the words they were given until dropped, and
/// dropping one (whose whole pages go back to the system) leaves its neighbours intact.
@Suite struct PairWordListsTests {
    static func words(of lists: PairWordLists, _ pair: Int) -> [UInt32] {
        lists.withWords(of: pair) { Array($0) }
    }

    @Test func droppingAnAdoptedListKeepsTheOthers() {
        // Three lists of 40,000 words (160 KB each, so a drop releases whole pages) with no
        // gaps between them, and one empty list.
        let length = 40_000
        let flat = (0..<(3 * length)).map { UInt32($0) }
        var lists = PairWordLists(adopting: flat)
        defer { lists.deallocate() }
        for list in 0..<3 { lists.adopt(start: list * length, length: length) }
        lists.adopt(start: 0, length: 0)
        #expect(lists.count == 4)
        #expect(lists.length(of: 3) == 0)

        lists.drop(1)
        #expect(lists.length(of: 1) == 0)
        #expect(Self.words(of: lists, 1).isEmpty)
        #expect(Self.words(of: lists, 0) == Array(flat[0..<length]))
        #expect(Self.words(of: lists, 2) == Array(flat[(2 * length)..<(3 * length)]))

        lists.drop(0)
        #expect(Self.words(of: lists, 2) == Array(flat[(2 * length)..<(3 * length)]))
        lists.drop(2)  // the last adopted list: the adopted words are freed
        #expect(Self.words(of: lists, 2).isEmpty)
    }

    @Test func appendedAndReservedListsReadBackTheirWords() {
        var lists = PairWordLists(adopting: [7, 8, 9])
        defer { lists.deallocate() }
        lists.adopt(start: 1, length: 2)
        [UInt32](arrayLiteral: 1, 3, 5).withUnsafeBufferPointer { lists.append($0) }
        let reserved = lists.reserve(4)
        #expect(reserved == 2)
        [UInt32](arrayLiteral: 10, 11).withUnsafeBufferPointer { lists.write($0, to: reserved, at: 0) }
        [UInt32](arrayLiteral: 12, 13).withUnsafeBufferPointer { lists.write($0, to: reserved, at: 2) }
        #expect(Self.words(of: lists, 0) == [8, 9])
        #expect(Self.words(of: lists, 1) == [1, 3, 5])
        #expect(Self.words(of: lists, 2) == [10, 11, 12, 13])
        lists.drop(1)
        #expect(lists.length(of: 1) == 0)
        #expect(Self.words(of: lists, 0) == [8, 9])
        // A view stays what it was while other lists come and go.
        let view = lists.view(2)
        [UInt32](arrayLiteral: 20, 21, 22).withUnsafeBufferPointer { words in
            for _ in 0..<1_000 { lists.append(words) }
        }
        lists.drop(3)
        #expect(Array(view) == [10, 11, 12, 13])
        lists.deallocate()
        #expect(lists.count == 0)
    }
}
