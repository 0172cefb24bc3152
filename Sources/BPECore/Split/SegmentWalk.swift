/// The exact shard walk: how a segment of a piece, cut anywhere, finds the words that are
/// its own, so that segments cut anywhere add up to exactly the words of the whole piece —
/// in time linear in the piece, whatever its words.
///
/// Let S(x) be the word sequence a `WordCursor` produces when it starts at offset x. The true
/// words of a piece are S(0). A segment [s, e) owns every word of S(s) that starts before e;
/// if e is not the piece's end it goes on, walking S(s) and S(e) together in (start, end)
/// order, owning each word of S(s) and *superseding* each word of S(e) (a word the next
/// segment will claim but must not), until both produce the same word, the *hand-off*. From
/// that word on the two sequences are identical (a cursor's state depends only on its last
/// match), so the segment has contributed S(s) minus S(e) up to their common tail. Summed
/// over the segments s0 = 0 < s1 < … of a piece these contributions telescope to S(0): a
/// counter adds +1 per owned and −1 per superseded word; an encoder encodes owned words and
/// the join drops the next segment's words before the hand-off.
///
/// **Bounded reading.** A segment reads nothing at or after its *limit* (`WorkPlan` sets it a
/// segment's length past its end, at least `WorkPlan.minimumLookahead`; the piece's end for a
/// piece's last segment). Without it, every segment that starts inside a long word, a long
/// whitespace run or a stretch no match starts in would read to that stretch's end, and a
/// pathological hand-off (a cut inside a run of digits for `\p{N}{1,3}` puts S(s) and S(e)
/// out of step until the run ends) would walk there from every segment inside the run: time
/// quadratic in the run. A segment whose walk needs to read past its limit stops and is
/// *incomplete*: it has owned the words of S(s) before the returned cursor state, nothing
/// else. `SegmentRepair` goes on from that state, reading as far as the words need, and
/// meets the segments after it. So every byte is read a bounded number of times.
@_spi(Plumbing) public protocol SegmentWalkVisitor {
    /// A word of the segment's own (empty matches included), in text order.
    mutating func own(_ word: Range<Int>)
    /// A word of the next segment's sequence that precedes the hand-off: not a true word.
    mutating func superseded(_ word: Range<Int>)
    /// The first word the next segment keeps (`nil`: none, the piece ended first). Called
    /// only when a segment that ends inside the piece completes.
    mutating func handOff(at word: Range<Int>?)
}

/// Public only to swift-bpe's own modules (`@_spi(Plumbing)`): it must be inlined into its
/// callers in other modules, and `package` declarations are not.
@_spi(Plumbing) public enum SegmentWalk {
    /// How a segment's walk ended.
    public enum Outcome: Equatable, Sendable {
        /// Its words are all reported, hand-off included.
        case complete
        /// It had to read past its limit: the words of S(start) before this state are
        /// reported as owned, nothing else; `SegmentRepair` goes on from here.
        case incomplete(WordCursor.State)
    }

    /// Walks segment `start..<end` of `piece` (offsets relative to the piece), reporting every
    /// word to `visitor` and reading nothing at or after `limit` (`end...piece.count`).
    /// - Complexity: reads at most `limit - start` bytes: one PCRE2 match per word of the
    ///   segment, plus the words walked past its end (a word or two, usually, walked twice:
    ///   once to see that the hand-off lies before the limit, once to report).
    /// Always inlined into its callers, so that each is specialized for its visitor (the
    /// visitor's calls are per word).
    @inlinable @inline(__always)
    public static func walk<Visitor: SegmentWalkVisitor>(
        piece: UnsafeBufferPointer<UInt8>, start: Int, end: Int, limit: Int,
        matcher: PatternMatcher, visitor: inout Visitor
    ) throws(PatternError) -> Outcome {
        var ours = WordCursor(subject: piece, start: start, limit: limit)
        // Every word of S(start) before `word` is reported as owned.
        let word = try ours.visitWords(startingBefore: end, matcher) { visitor.own($0) }
        // An unresolved search leaves the cursor where it was: before `word`.
        if word == .unresolved { return .incomplete(ours.state) }
        if end >= piece.count { return .complete }

        let theirs = WordCursor(subject: piece, start: end, limit: limit)
        var dryRun = IgnoringVisitor()
        guard try handOff(ours: ours, mine: word, theirs: theirs, matcher: matcher, visitor: &dryRun) else {
            // The state before `word`: the one after the last word owned (a cursor's state
            // depends only on its last match), or the start if none was.
            return .incomplete(try stateBefore(word, start: start, piece: piece, matcher: matcher))
        }
        _ = try handOff(ours: ours, mine: word, theirs: theirs, matcher: matcher, visitor: &visitor)
        return .complete
    }

    /// Walks S(s) (`ours`, whose next word is `mine`) and S(e) (`theirs`) together from the
    /// segment's end until they share a word, reporting words of S(s) as owned and of S(e)
    /// as superseded. Returns `false`, part-way, if a word is unresolved.
    @inlinable @inline(__always)
    static func handOff<Visitor: SegmentWalkVisitor>(
        ours: WordCursor, mine: WordCursor.Step, theirs: WordCursor, matcher: PatternMatcher, visitor: inout Visitor
    ) throws(PatternError) -> Bool {
        var ours = ours
        var theirs = theirs
        var mine = mine
        var their = try theirs.next(matcher)
        // Invariant: the words reported so far are exactly those of S(s) and S(e) that
        // precede, in (start, end) order, both `mine` and `their`.
        while true {
            switch (mine, their) {
            case (.unresolved, _), (_, .unresolved):
                return false
            case (.end, .end):
                visitor.handOff(at: nil)
                return true
            case let (.word(ourWord), .word(theirWord)) where ourWord == theirWord:
                visitor.handOff(at: ourWord)
                return true
            case let (.word(ourWord), .end):
                visitor.own(ourWord)
                mine = try ours.next(matcher)
            case let (.word(ourWord), .word(theirWord)) where precedes(ourWord, theirWord):
                visitor.own(ourWord)
                mine = try ours.next(matcher)
            case let (_, .word(theirWord)):
                visitor.superseded(theirWord)
                their = try theirs.next(matcher)
            }
        }
    }

    /// The state of a cursor of S(start) just before it produced `word` (a word or the end),
    /// recomputed from the start of the segment: called once, for an incomplete hand-off.
    @inlinable
    static func stateBefore(
        _ word: WordCursor.Step, start: Int, piece: UnsafeBufferPointer<UInt8>, matcher: PatternMatcher
    ) throws(PatternError) -> WordCursor.State {
        var cursor = WordCursor(subject: piece, start: start)
        var state = cursor.state
        while true {
            let step = try cursor.next(matcher)
            if step == word || step == .end { return state }
            state = cursor.state
        }
    }

    /// Whether word `a` comes before word `b` in a findall sequence holding both.
    @inlinable @inline(__always)
    public static func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.lowerBound < b.lowerBound || (a.lowerBound == b.lowerBound && a.upperBound < b.upperBound)
    }
}

/// A visitor that only counts what it is told: for walking ahead to see whether a walk
/// completes. (It has storage on purpose: ThreadSanitizer's hook for an `inout` access
/// crashed on the address of an empty struct, which has none.)
@_spi(Plumbing) public struct IgnoringVisitor: SegmentWalkVisitor {
    public var reports = 0
    @inlinable public init() {}
    @inlinable public mutating func own(_ word: Range<Int>) { reports += 1 }
    @inlinable public mutating func superseded(_ word: Range<Int>) { reports += 1 }
    @inlinable public mutating func handOff(at word: Range<Int>?) { reports += 1 }
}
