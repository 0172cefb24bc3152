import Testing
@_spi(Plumbing) @testable import BPECore

/// The shard walk on its own: what it reports for every segment of a piece, cut anywhere,
/// adds up to exactly the piece's words (SPEC §7: any shard size gives the same result).
@Suite struct SegmentWalkTests {
    /// Remembers every report of the walk.
    struct Recorder: SegmentWalkVisitor {
        var owned: [Range<Int>] = []
        var left: [Range<Int>] = []
        var superseded: [Range<Int>] = []
        var handOffs: [Range<Int>?] = []

        mutating func own(_ word: Range<Int>) { owned.append(word) }
        mutating func leftToPreviousSegment(_ word: Range<Int>) { left.append(word) }
        mutating func superseded(_ word: Range<Int>) { superseded.append(word) }
        mutating func handOff(at word: Range<Int>?) { handOffs.append(word) }
    }

    /// The segment ends of `text` cut every `size` bytes, each moved forward to a character start.
    static func cuts(_ text: [UInt8], every size: Int) -> [Int] {
        var ends: [Int] = []
        var cut = size
        while cut < text.count {
            var end = cut
            while end < text.count && text[end] & 0xC0 == 0x80 { end += 1 }
            if end < text.count && ends.last != end { ends.append(end) }
            cut += size
        }
        return ends + [text.count]
    }

    /// Walks every segment of `text` (one piece) cut every `size` bytes.
    static func walk(_ text: [UInt8], pattern: String, every size: Int) throws -> [Recorder] {
        let matcher = PatternMatcher(try CompiledPattern(SplitPattern.resolve(pattern)))
        let ends = cuts(text, every: size)
        var starts = [0] + ends.dropLast()
        starts = Array(starts)
        return try text.withUnsafeBufferPointer { piece in
            try ends.indices.map { index in
                var recorder = Recorder()
                let nextEnd = index + 1 < ends.count ? ends[index + 1] : text.count
                try SegmentWalk.walk(
                    piece: piece, start: starts[index], end: ends[index], nextEnd: nextEnd, matcher: matcher, visitor: &recorder)
                return recorder
            }
        }
    }

    /// Every word (as a range) of the uncut piece.
    static func words(_ text: [UInt8], pattern: String) throws -> [Range<Int>] {
        let matcher = PatternMatcher(try CompiledPattern(SplitPattern.resolve(pattern)))
        return try text.withUnsafeBufferPointer { piece in
            var cursor = WordCursor(subject: piece, start: 0)
            var words: [Range<Int>] = []
            while let word = try cursor.next(matcher) { words.append(word) }
            return words
        }
    }

    @Test(arguments: ["gpt4", "gpt2", "o200k"])
    func ownedMinusSupersededIsExactlyTheWholePiece(pattern: String) throws {
        var generator = CorpusGenerator(seed: 7)
        let text = generator.cuttingText(size: 400)
        var expected: [Range<Int>: Int] = [:]
        for word in try Self.words(text, pattern: pattern) { expected[word, default: 0] += 1 }
        for size in [1, 2, 3, 5, 8, 13, 64, 1 << 20] {
            var total: [Range<Int>: Int] = [:]
            for segment in try Self.walk(text, pattern: pattern, every: size) {
                for word in segment.owned { total[word, default: 0] += 1 }
                for word in segment.superseded { total[word, default: 0] -= 1 }
            }
            #expect(total.filter { $0.value != 0 } == expected, "\(pattern), segments of \(size)")
        }
    }

    @Test func handOffIsATrueWordAfterEverythingTheSegmentOwns() throws {
        var generator = CorpusGenerator(seed: 11)
        let text = Array(generator.text(.whitespaceMix, size: 800).utf8)
        let truth = Set(try Self.words(text, pattern: "gpt4"))
        let segments = try Self.walk(text, pattern: "gpt4", every: 5)
        for segment in segments.dropLast() {
            #expect(segment.handOffs.count == 1, "one hand-off for a segment that ends inside the piece")
            if let handOff = segment.handOffs.first, let word = handOff {
                #expect(truth.contains(word))
                #expect(segment.owned.allSatisfy { SegmentWalk.precedes($0, word) })
            }
        }
        #expect(segments.last?.handOffs.isEmpty == true, "the last segment ends with its piece")
    }

    /// Only the first segment handles the long word; the segments inside it leave their
    /// first word to the one before and own nothing. The last segment sees just the word's
    /// tail, which ends with it (so it does not cross), and the one before supersedes it.
    @Test func aWordLongerThanManySegmentsIsOwnedOnceByTheFirst() throws {
        let text = Array(String(repeating: "a", count: 100).utf8)
        let segments = try Self.walk(text, pattern: #"\p{L}+"#, every: 10)
        #expect(segments.count == 10)
        #expect(segments[0].owned == [0..<100])
        #expect(segments[1..<9].allSatisfy { $0.left.count == 1 && $0.owned.isEmpty })
        #expect(segments[8].superseded == [90..<100])
        #expect(segments[9].owned == [90..<100])
        #expect(segments.flatMap(\.superseded) == [90..<100])
    }
}
