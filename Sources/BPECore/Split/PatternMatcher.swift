import CPCRE2

/// One thread's matching state for a `CompiledPattern`: match data, a JIT stack and a match
/// context without PCRE2's match limit. Not shareable: create one per worker.
@_spi(Plumbing) public final class PatternMatcher {
    public let pattern: CompiledPattern
    @usableFromInline let matchData: OpaquePointer
    @usableFromInline let matchContext: OpaquePointer?
    private let jitStack: OpaquePointer?
    @usableFromInline let ovector: UnsafeMutablePointer<Int>

    /// What a match bounded by a limit found.
    public enum Outcome: Equatable {
        /// The match, exactly as on the whole subject.
        case match(Range<Int>)
        /// No match starts at or after the offset (for an anchored search: at the offset).
        case noMatch
        /// The match depends on text at or after the limit: only a search that may read
        /// further can tell.
        case unresolved
    }

    public init(_ pattern: CompiledPattern) {
        self.pattern = pattern
        matchData = pcre2_match_data_create_from_pattern_8(pattern.code, nil)
        ovector = pcre2_get_ovector_pointer_8(matchData)
        // Valid text must never fail on an engine limit: the walk bounds every search by the
        // text itself, so PCRE2's backtracking counter (10 million by default, which a 20 MB
        // run of spaces exceeds in `\s*[\r\n]`) is lifted.
        matchContext = pcre2_match_context_create_8(nil)
        if let matchContext { pcre2_set_match_limit_8(matchContext, UInt32.max) }
        if pattern.usesJIT {
            // Deep patterns on long words outgrow the 32 KiB default JIT stack.
            jitStack = pcre2_jit_stack_create_8(64 << 10, 64 << 20, nil)
            if let matchContext { pcre2_jit_stack_assign_8(matchContext, nil, UnsafeMutableRawPointer(jitStack)) }
        } else {
            jitStack = nil
        }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        if let matchContext { pcre2_match_context_free_8(matchContext) }
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// The leftmost match in `subject` starting at or after `offset` (byte offsets into
    /// `subject`), reading no byte at or after `limit` (a character boundary,
    /// `offset...subject.count`). With `nonEmptyAnchored`, only a non-empty match starting
    /// exactly at `offset` is accepted (the retry after an empty match, as Perl and Python do).
    /// `subject` must be valid UTF-8 and `offset` a character boundary: nothing is re-checked.
    ///
    /// A preset's scanner answers for it (`PresetScanner.match`). Otherwise, at the subject's
    /// end the search is PCRE2's own. Below it, it matches the text
    /// before `limit` with PCRE2's hard partial matching, which reports any search path that
    /// reaches the limit; a match is then returned only when no path reached it and it ends
    /// before it, so it is exactly the match on the whole subject (lookaheads and `\b` at the
    /// limit count as reaching it). Anything else is `.unresolved`.
    /// - Complexity: reads at most `limit - offset` bytes (and what lookbehinds need).
    ///
    /// Inlinable: the split calls it once per word from other modules, and the JIT path is a
    /// few instructions around the call into PCRE2.
    @inlinable @inline(__always)
    public func match(
        in subject: UnsafeBufferPointer<UInt8>, from offset: Int, limit: Int, nonEmptyAnchored: Bool = false
    ) throws(PatternError) -> Outcome {
        // A preset's words are never empty, so the anchored retry is the same search.
        if let scanner = pattern.scanner { return scanner.match(in: subject, from: offset, limit: limit) }
        let bounded = limit < subject.count
        let rc: Int32
        if !nonEmptyAnchored && pattern.usesJIT {
            // A zero-length buffer may have no base address; PCRE2 needs a pointer anyway.
            let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)!
            rc = pcre2_jit_match_8(
                pattern.code, base, limit, offset, bounded ? PCRE2_PARTIAL_HARD : 0, matchData, matchContext)
        } else {
            rc = interpretedMatch(
                in: subject, from: offset, limit: limit, options: bounded ? PCRE2_PARTIAL_HARD : 0,
                nonEmptyAnchored: nonEmptyAnchored)
        }
        if rc > 0 {
            let start = ovector[0]
            // A \K inside a lookahead can report end < start; treat such a match as empty.
            let end = max(start, ovector[1])
            // A match ending at the limit may have stopped only because the text did.
            return bounded && end >= limit ? .unresolved : .match(start..<end)
        }
        return try outcome(ofFailure: rc, bounded: bounded, anchored: nonEmptyAnchored)
    }

    /// What a result code other than a match means. An anchored search that failed failed
    /// everywhere; an unanchored one below the end only found no match starting before the
    /// limit, and one may start at it.
    @usableFromInline
    func outcome(ofFailure rc: Int32, bounded: Bool, anchored: Bool) throws(PatternError) -> Outcome {
        if rc == PCRE2_ERROR_NOMATCH { return bounded && !anchored ? .unresolved : .noMatch }
        if rc == PCRE2_ERROR_PARTIAL { return .unresolved }
        throw .matchFailed(message: CompiledPattern.message(for: rc))
    }

    /// `pcre2_match` (the interpreter): the retry after an empty match, which JIT cannot
    /// anchor, and patterns JIT could not compile. Returns PCRE2's result code.
    @usableFromInline
    func interpretedMatch(
        in subject: UnsafeBufferPointer<UInt8>, from offset: Int, limit: Int, options: UInt32, nonEmptyAnchored: Bool
    ) -> Int32 {
        let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let anchoring = nonEmptyAnchored ? PCRE2_ANCHORED | PCRE2_NOTEMPTY_ATSTART : 0
        return pcre2_match_8(pattern.code, base, limit, offset, options | anchoring | PCRE2_NO_UTF_CHECK, matchData, matchContext)
    }
}
