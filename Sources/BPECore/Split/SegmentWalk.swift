/// The exact shard walk: how a segment of a piece, cut anywhere, finds the words that are
/// its own, so that segments cut anywhere add up to exactly the words of the whole piece.
/// Counting (training) and encoding both walk segments with it.
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
/// the join drops the next segment's words before the hand-off. In practice the walk ends
/// after a word or two; a pathological cut (inside a run of digits for `\p{N}{1,3}`) walks
/// until the run ends.
///
/// One refinement keeps a word longer than many segments (a megabyte-long run of letters)
/// from being handled by each of them: a segment that starts inside the piece does not own
/// its first word if that word runs past the segment's end (it *crosses* it); it is *left to
/// the previous segment*. The segment before meets that word as the first of S(end): if it
/// is their common word, it owns it (and hands off at the word after it); if not, it does not
/// supersede it. The sums are unchanged.
@_spi(Plumbing) public protocol SegmentWalkVisitor {
    /// A word of the segment's own (empty matches included), in text order.
    mutating func own(_ word: Range<Int>)
    /// The segment's first word, which crosses its end and is left to the segment before.
    mutating func leftToPreviousSegment(_ word: Range<Int>)
    /// A word of the next segment's sequence that precedes the hand-off: not a true word.
    mutating func superseded(_ word: Range<Int>)
    /// The first word the next segment keeps (`nil`: none, the piece ended first). Called
    /// only when the segment ends inside the piece.
    mutating func handOff(at word: Range<Int>?)
}

/// Public only to swift-bpe's own modules (`@_spi(Plumbing)`): it must be inlined into its
/// callers in other modules, and `package` declarations are not.
@_spi(Plumbing) public enum SegmentWalk {
    /// Walks segment `start..<end` of `piece` (offsets relative to the piece), reporting every
    /// word to `visitor`. `nextEnd` is the end of the following segment of the piece (the
    /// piece's length if none).
    /// - Complexity: one PCRE2 match per word of the segment, plus the words walked past its
    ///   end (a word or two, usually).
    /// Always inlined into its two callers, so that each is specialized for its visitor
    /// (the visitor's calls are per word).
    @inlinable @inline(__always)
    public static func walk<Visitor: SegmentWalkVisitor>(
        piece: UnsafeBufferPointer<UInt8>, start: Int, end: Int, nextEnd: Int,
        matcher: PatternMatcher, visitor: inout Visitor
    ) throws(PatternError) {
        var ours = WordCursor(subject: piece, start: start)
        var word = try ours.next(matcher)
        if start > 0, let first = word, crosses(first, end) {
            visitor.leftToPreviousSegment(first)
            word = try ours.next(matcher)
        }
        // Invariant: every word of S(start) before `word` has been reported as owned.
        while let current = word, current.lowerBound < end {
            visitor.own(current)
            word = try ours.next(matcher)
        }
        if end >= piece.count { return }

        var theirs = WordCursor(subject: piece, start: end)
        var their = try theirs.next(matcher)
        // The next segment leaves its first word to us when it crosses that segment's end.
        var theirFirstIsLeft = their.map { crosses($0, nextEnd) } ?? false
        // Invariant: the words owned and superseded so far are exactly those of S(start) and
        // S(end) that precede, in (start, end) order, both `word` and `their` — except a first
        // word of S(end) left to us, which is neither.
        while true {
            switch (word, their) {
            case (nil, nil):
                visitor.handOff(at: nil)
                return
            case let (mine?, theirsWord?) where mine == theirsWord:
                if theirFirstIsLeft {
                    visitor.own(mine)
                    visitor.handOff(at: try ours.next(matcher))
                } else {
                    visitor.handOff(at: mine)
                }
                return
            case let (mine?, theirsWord) where theirsWord == nil || precedes(mine, theirsWord!):
                visitor.own(mine)
                word = try ours.next(matcher)
            case let (_, theirsWord?):
                if !theirFirstIsLeft { visitor.superseded(theirsWord) }
                their = try theirs.next(matcher)
                theirFirstIsLeft = false
            default:
                return  // unreachable: (nil, nil) and (_, some) are handled above
            }
        }
    }

    /// Whether `word` starts before `end` and runs past it.
    @inlinable @inline(__always)
    public static func crosses(_ word: Range<Int>, _ end: Int) -> Bool {
        word.lowerBound < end && word.upperBound > end
    }

    /// Whether word `a` comes before word `b` in a findall sequence holding both.
    @inlinable @inline(__always)
    public static func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.lowerBound < b.lowerBound || (a.lowerBound == b.lowerBound && a.upperBound < b.upperBound)
    }
}
