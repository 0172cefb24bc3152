/// Walks the words of one piece the way `findall` does: each match starts where the last one
/// ended; after an empty match the next must be non-empty at the same place, or the search
/// moves on one character. Offsets are relative to `subject` (the piece).
///
/// The state after a match depends only on that match's range, so two cursors that produce
/// the same match produce the same words from then on. `SegmentWalk` relies on this.
///
/// A cursor may be bounded by a `limit`: it then reads no byte at or after it, and a word it
/// cannot decide without doing so is `.unresolved` (the cursor stays where it was).
@_spi(Plumbing) public struct WordCursor {
    /// Where a cursor is: enough to resume the same word sequence with another cursor.
    public struct State: Equatable, Sendable {
        public var position: Int
        public var lastWasEmpty: Bool

        @inlinable
        public init(position: Int, lastWasEmpty: Bool) {
            self.position = position
            self.lastWasEmpty = lastWasEmpty
        }
    }

    /// What `next` found.
    public enum Step: Equatable {
        case word(Range<Int>)
        /// The piece has no more words.
        case end
        /// The next word depends on text at or after the limit.
        case unresolved
    }

    @usableFromInline let subject: UnsafeBufferPointer<UInt8>
    /// No byte at or after it is read (`subject.count`: unbounded).
    public let limit: Int
    @usableFromInline var position: Int
    @usableFromInline var lastWasEmpty = false
    /// Words a preset scanner found ahead of `position` (never for PCRE2).
    @usableFromInline var readAhead = WordReadAhead()

    /// A cursor whose first search starts at `start` (a character boundary of `subject`),
    /// reading nothing at or after `limit` (a character boundary; by default the end).
    @inlinable
    public init(subject: UnsafeBufferPointer<UInt8>, start: Int, limit: Int? = nil) {
        self.init(subject: subject, state: State(position: start, lastWasEmpty: false), limit: limit)
    }

    /// A cursor that goes on from `state`, which another cursor over `subject` reached.
    @inlinable
    public init(subject: UnsafeBufferPointer<UInt8>, state: State, limit: Int? = nil) {
        self.subject = subject
        self.limit = min(limit ?? subject.count, subject.count)
        self.position = state.position
        self.lastWasEmpty = state.lastWasEmpty
    }

    /// Where the cursor is: the next search resumes from here.
    @inlinable
    public var state: State { State(position: position, lastWasEmpty: lastWasEmpty) }

    /// The next word, `.end` at the end of the piece, or `.unresolved` (bounded cursors only;
    /// the state is then unchanged).
    /// - Complexity: one PCRE2 match (two after an empty match), reading at most up to the limit.
    @inlinable @inline(__always)
    public mutating func next(_ matcher: PatternMatcher) throws(PatternError) -> Step {
        // A preset's words come in batches; the common case hands out the next one.
        if readAhead.hasNext { return accept(position..<readAhead.take()) }
        // The common case, inline: a search after a non-empty match, before the limit.
        if !lastWasEmpty && position < limit {
            if let scanner = matcher.pattern.scanner { return nextBatch(scanner) }
            switch try matcher.match(in: subject, from: position, limit: limit) {
            case let .match(match): return accept(match)
            case .unresolved: return .unresolved
            case .noMatch:
                position = subject.count + 1
                return .end
            }
        }
        return try nextAfterEmptyOrAtLimit(matcher)
    }

    /// The first word of a new batch from a preset scanner (`WordReadAhead`); when it finds
    /// none, the single search tells the end of the piece from an unresolved word.
    @inlinable @inline(never)
    mutating func nextBatch(_ scanner: PresetScanner) -> Step {
        if readAhead.fill(scanner, subject: subject, from: position, limit: limit) > 0 {
            return accept(position..<readAhead.take())
        }
        switch scanner.match(in: subject, from: position, limit: limit) {
        case let .match(match): return accept(match)
        case .unresolved: return .unresolved
        case .noMatch:
            position = subject.count + 1
            return .end
        }
    }

    /// `next` after an empty match (the anchored retry first) or from the limit. Rare: kept
    /// out of line, so that the per-word loops that inline `next` stay small.
    @inlinable @inline(never)
    mutating func nextAfterEmptyOrAtLimit(_ matcher: PatternMatcher) throws(PatternError) -> Step {
        var searchFrom = position
        if lastWasEmpty {
            if position >= subject.count { return .end }
            if position >= limit { return .unresolved }
            switch try matcher.match(in: subject, from: position, limit: limit, nonEmptyAnchored: true) {
            case let .match(match): return accept(match)
            case .unresolved: return .unresolved
            case .noMatch: break
            }
            searchFrom = nextCharacterBoundary(after: position)
        }
        if searchFrom > subject.count { return .end }
        if searchFrom >= limit && limit < subject.count { return .unresolved }
        switch try matcher.match(in: subject, from: searchFrom, limit: limit) {
        case let .match(match): return accept(match)
        case .unresolved: return .unresolved
        case .noMatch:
            position = subject.count + 1
            lastWasEmpty = false
            return .end
        }
    }

    /// Hands `visit` each next word that starts before `end`, then returns the first step
    /// that does not (a word starting at or after `end`, `.end` or `.unresolved`), exactly as
    /// calling `next` until then would. A preset scanner's batches are drained in a local loop
    /// (the cursor's fields written back once per batch), which is most of a walk's words.
    @inlinable @inline(__always)
    public mutating func visitWords(
        startingBefore end: Int, _ matcher: PatternMatcher, _ visit: (Range<Int>) -> Void
    ) throws(PatternError) -> Step {
        while true {
            if readAhead.hasNext {
                var start = position
                var index = readAhead.index
                let count = readAhead.count
                let first: Step? = withUnsafeBytes(of: &readAhead.ends) { ends in
                    while index < count {
                        let wordEnd = ends.load(fromByteOffset: index &* MemoryLayout<Int>.stride, as: Int.self)
                        index &+= 1
                        let word = start..<wordEnd
                        start = wordEnd
                        if word.lowerBound >= end { return .word(word) }
                        visit(word)
                    }
                    return nil
                }
                position = start
                readAhead.index = index
                lastWasEmpty = false
                if let first { return first }
            }
            let step = try next(matcher)
            guard case let .word(word) = step, word.lowerBound < end else { return step }
            visit(word)
        }
    }

    /// The next word, or `nil` at the end of the piece. For unbounded cursors.
    @inlinable @inline(__always)
    public mutating func nextWord(_ matcher: PatternMatcher) throws(PatternError) -> Range<Int>? {
        if case let .word(word) = try next(matcher) { return word }
        return nil
    }

    @inlinable @inline(__always)
    mutating func accept(_ match: Range<Int>) -> Step {
        position = match.upperBound
        lastWasEmpty = match.isEmpty
        return .word(match)
    }

    @inlinable
    func nextCharacterBoundary(after offset: Int) -> Int {
        var next = offset + 1
        while next < subject.count && subject[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}
