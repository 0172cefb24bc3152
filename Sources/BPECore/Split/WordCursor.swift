/// Walks the words of one piece the way `findall` does: each match starts where the last one
/// ended; after an empty match the next must be non-empty at the same place, or the search
/// moves on one character. Offsets are relative to `subject` (the piece).
///
/// The state after a match depends only on that match's range, so two cursors that produce
/// the same match produce the same words from then on. `SegmentWalk` relies on this.
@_spi(Plumbing) public struct WordCursor {
    @usableFromInline let subject: UnsafeBufferPointer<UInt8>
    @usableFromInline var position: Int
    @usableFromInline var lastWasEmpty = false

    /// A cursor whose first search starts at `start` (a character boundary of `subject`).
    @inlinable
    public init(subject: UnsafeBufferPointer<UInt8>, start: Int) {
        self.subject = subject
        self.position = start
    }

    /// The next word, or `nil` at the end of the piece.
    /// - Complexity: one PCRE2 match (two after an empty match).
    @inlinable @inline(__always)
    public mutating func next(_ matcher: PatternMatcher) throws(PatternError) -> Range<Int>? {
        while true {
            if lastWasEmpty {
                if position >= subject.count { return nil }
                if let match = try matcher.match(in: subject, from: position, nonEmptyAnchored: true) {
                    return accept(match)
                }
                lastWasEmpty = false
                position = nextCharacterBoundary(after: position)
            }
            if position > subject.count { return nil }
            guard let match = try matcher.match(in: subject, from: position) else {
                position = subject.count + 1
                return nil
            }
            return accept(match)
        }
    }

    @inlinable @inline(__always)
    mutating func accept(_ match: Range<Int>) -> Range<Int> {
        position = match.upperBound
        lastWasEmpty = match.isEmpty
        return match
    }

    @inlinable
    func nextCharacterBoundary(after offset: Int) -> Int {
        var next = offset + 1
        while next < subject.count && subject[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}
