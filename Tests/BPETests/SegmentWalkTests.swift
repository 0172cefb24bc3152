import Testing
@_spi(Plumbing) @testable import BPECore

/// The shard walk on its own: what it reports for every segment of a piece, cut anywhere,
/// adds up to exactly the piece's words (SPEC §7: any shard size gives the same result); and
/// a segment that would have to read past its limit stops, having owned a prefix of its words.
@Suite struct SegmentWalkTests {
    /// Remembers every report of the walk.
    struct Recorder: SegmentWalkVisitor {
        var owned: [Range<Int>] = []
        var superseded: [Range<Int>] = []
        var handOffs: [Range<Int>?] = []
        var outcome: SegmentWalk.Outcome = .complete

        mutating func own(_ word: Range<Int>) { owned.append(word) }
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

    /// Walks every segment of `text` (one piece) cut every `size` bytes, each reading up to
    /// `lookahead` bytes past its end (the piece's end if `nil`).
    static func walk(_ text: [UInt8], pattern: String, every size: Int, lookahead: Int? = nil) throws -> [Recorder] {
        let matcher = PatternMatcher(try CompiledPattern(SplitPattern.resolve(pattern)))
        let ends = cuts(text, every: size)
        let starts = [0] + ends.dropLast()
        return try text.withUnsafeBufferPointer { piece in
            try ends.indices.map { index in
                var recorder = Recorder()
                var limit = lookahead.map { min(text.count, ends[index] + $0) } ?? text.count
                while limit < text.count && text[limit] & 0xC0 == 0x80 { limit += 1 }
                recorder.outcome = try SegmentWalk.walk(
                    piece: piece, start: starts[index], end: ends[index], limit: limit, matcher: matcher,
                    visitor: &recorder)
                return recorder
            }
        }
    }

    /// Every word (as a range) of the uncut piece, from `start`.
    static func words(_ text: [UInt8], pattern: String, from start: Int = 0) throws -> [Range<Int>] {
        let matcher = PatternMatcher(try CompiledPattern(SplitPattern.resolve(pattern)))
        return try text.withUnsafeBufferPointer { piece in
            var cursor = WordCursor(subject: piece, start: start)
            var words: [Range<Int>] = []
            while let word = try cursor.nextWord(matcher) { words.append(word) }
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
                #expect(segment.outcome == .complete, "a segment that may read to the piece's end completes")
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

    /// A bounded segment either completes exactly as an unbounded one, or stops having
    /// owned a prefix of its own words and reported nothing else; the state it returns
    /// resumes its word sequence.
    @Test(arguments: ["gpt4", "o200k", #"\p{N}{1,3}|\w*|\s"#])
    func aBoundedSegmentCompletesExactlyOrOwnsAPrefix(pattern: String) throws {
        var generator = CorpusGenerator(seed: 5)
        let text = generator.cuttingText(size: 300)
        for size in [1, 4, 9, 40] {
            let free = try Self.walk(text, pattern: pattern, every: size)
            for lookahead in [0, 1, 3, 17] {
                let bounded = try Self.walk(text, pattern: pattern, every: size, lookahead: lookahead)
                let starts = [0] + Self.cuts(text, every: size).dropLast()
                for (index, segment) in bounded.enumerated() {
                    switch segment.outcome {
                    case .complete:
                        #expect(segment.owned == free[index].owned && segment.superseded == free[index].superseded)
                        #expect(segment.handOffs == free[index].handOffs)
                    case let .incomplete(state):
                        #expect(segment.superseded.isEmpty && segment.handOffs.isEmpty)
                        let sequence = try Self.words(text, pattern: pattern, from: starts[index])
                        #expect(Array(sequence.prefix(segment.owned.count)) == segment.owned)
                        let resumed = try text.withUnsafeBufferPointer { piece in
                            var cursor = WordCursor(subject: piece, state: state)
                            return try cursor.nextWord(PatternMatcher(try CompiledPattern(SplitPattern.resolve(pattern))))
                        }
                        #expect(resumed == sequence.dropFirst(segment.owned.count).first, "resumes S(start)")
                    }
                }
            }
        }
    }

    /// Segments inside a word longer than their lookahead stop at once and read no further;
    /// the first owns nothing either (the word starts in it but runs past its limit).
    @Test func aWordLongerThanTheLookaheadStopsEverySegmentItCrosses() throws {
        let text = Array((String(repeating: "a", count: 100) + " b").utf8)
        let segments = try Self.walk(text, pattern: #"\p{L}+| "#, every: 10, lookahead: 10)
        #expect(segments.count == 11)
        for segment in segments[0..<8] {
            #expect(segment.owned.isEmpty && segment.superseded.isEmpty)
            #expect(segment.outcome != .complete)
        }
        #expect(segments[0].outcome == .incomplete(.init(position: 0, lastWasEmpty: false)))
    }
}
