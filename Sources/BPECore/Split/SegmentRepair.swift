/// Goes on with a piece's true words where an incomplete segment stopped (see `SegmentWalk`),
/// reading as far as the words need, and meets the segments after it one by one until one
/// of them hands off.
///
/// The repair reports the true words from the incomplete segment's stopping point as owned.
/// At each later segment j (in order, the first that starts after the stopping point next)
/// it first owns the true words that start before j's start, then looks for a word common to
/// the true sequence and j's *own words* (the words of S(s_j) that j's walk reported as
/// owned: those starting before j's end, up to the first it could not resolve). If there is
/// one, j's words before it are superseded and the repair *hands off* there: j's reports from
/// that word on are true words (if j is incomplete, a new repair goes on from j's stopping
/// point). If there is none, j *is passed*: its reports must all be undone (a counter walks
/// it again with signs reversed, an encoder drops its ids) and the repair meets the next one.
/// A piece's last segment always hands off: its own words run to the piece's end, so at the
/// latest the two sequences agree there (the repair owning the truth's words left).
///
/// - Complexity: the repair reads each byte it owns once; meeting a segment reads at most
///   what that segment's walk read, twice (once to see whether it hands off, once to report).
@_spi(Plumbing) public struct SegmentRepair {
    /// How meeting a segment ended.
    public enum Meeting: Equatable, Sendable {
        /// The segment's reports from the hand-off word on are true words.
        case handedOff
        /// The segment shares no word with the truth: its reports are all to be undone.
        case passed
    }

    @usableFromInline var cursor: WordCursor
    /// The next true word, not yet reported.
    @usableFromInline var mine: WordCursor.Step

    /// A repair of `piece` from `state`, where an incomplete segment stopped.
    @inlinable
    public init(piece: UnsafeBufferPointer<UInt8>, resumingAt state: WordCursor.State, matcher: PatternMatcher)
        throws(PatternError)
    {
        cursor = WordCursor(subject: piece, state: state)
        mine = try cursor.next(matcher)
    }

    /// Owns the true words that start before `start`, then meets segment `start..<end`
    /// (bounded by `limit`, as its own walk was): reports owned, superseded and hand-off
    /// words to `visitor` if the segment hands off, only the words before `start` if not.
    @inlinable
    public mutating func meet<Visitor: SegmentWalkVisitor>(
        start: Int, end: Int, limit: Int, matcher: PatternMatcher, visitor: inout Visitor
    ) throws(PatternError) -> Meeting {
        while case let .word(word) = mine, word.lowerBound < start {
            visitor.own(word)
            mine = try cursor.next(matcher)
        }
        let theirs = WordCursor(subject: cursor.subject, start: start, limit: limit)
        var dryRun = IgnoringVisitor()
        guard try Self.meet(ours: &cursor, mine: &mine, theirs: theirs, end: end, matcher: matcher, report: false, visitor: &dryRun)
        else { return .passed }
        _ = try Self.meet(ours: &cursor, mine: &mine, theirs: theirs, end: end, matcher: matcher, report: true, visitor: &visitor)
        return .handedOff
    }

    /// Owns every true word left (the piece ends before another segment starts).
    @inlinable
    public mutating func finish<Visitor: SegmentWalkVisitor>(matcher: PatternMatcher, visitor: inout Visitor)
        throws(PatternError)
    {
        while case let .word(word) = mine {
            visitor.own(word)
            mine = try cursor.next(matcher)
        }
    }

    /// Walks the truth (`ours`, next word `mine`) and the segment's own words together until
    /// they share a word. Advances `ours` and `mine` only when `report` is set.
    @inlinable
    static func meet<Visitor: SegmentWalkVisitor>(
        ours: inout WordCursor, mine: inout WordCursor.Step, theirs: WordCursor, end: Int,
        matcher: PatternMatcher, report: Bool, visitor: inout Visitor
    ) throws(PatternError) -> Bool {
        var truth = ours
        var next = mine
        var theirs = theirs
        var their = try theirs.next(matcher)
        defer {
            if report {
                ours = truth
                mine = next
            }
        }
        // Invariant: the words reported are those of the truth and of the segment's own words
        // that precede both `next` and `their`.
        while true {
            guard case let .word(theirWord) = their, theirWord.lowerBound < end else {
                // The segment's own words are used up (or the rest is unresolved). If its
                // sequence is at the piece's end (where at most an empty match, no word,
                // remains), the segment has nothing after the words superseded so far: the
                // truth's remaining words are the repair's, and the hand-off is at the end.
                guard their != .unresolved && atPieceEnd(their, theirs) else { return false }
                if report {
                    while case let .word(ourWord) = next, ourWord.lowerBound < truth.subject.count {
                        visitor.own(ourWord)
                        next = try truth.next(matcher)
                    }
                }
                visitor.handOff(at: nil)
                return true
            }
            if case let .word(ourWord) = next {
                if ourWord == theirWord {
                    visitor.handOff(at: ourWord)
                    return true
                }
                if SegmentWalk.precedes(ourWord, theirWord) {
                    visitor.own(ourWord)
                    next = try truth.next(matcher)
                    continue
                }
            }
            visitor.superseded(theirWord)
            their = try theirs.next(matcher)
        }
    }

    /// Whether `step` of `cursor` leaves no word: the end, or an empty match at the end.
    @inlinable
    static func atPieceEnd(_ step: WordCursor.Step, _ cursor: WordCursor) -> Bool {
        switch step {
        case .end: return true
        case let .word(word): return word.lowerBound >= cursor.subject.count
        case .unresolved: return false
        }
    }
}
