import CPCRE2

/// One thread's matching state for a `CompiledPattern`: match data and a JIT stack.
/// Not shareable: create one per worker.
@_spi(Plumbing) public final class PatternMatcher {
    public let pattern: CompiledPattern
    @usableFromInline let matchData: OpaquePointer
    @usableFromInline let matchContext: OpaquePointer?
    private let jitStack: OpaquePointer?
    @usableFromInline let ovector: UnsafeMutablePointer<Int>

    public init(_ pattern: CompiledPattern) {
        self.pattern = pattern
        matchData = pcre2_match_data_create_from_pattern_8(pattern.code, nil)
        ovector = pcre2_get_ovector_pointer_8(matchData)
        if pattern.usesJIT {
            // Deep patterns on long words outgrow the 32 KiB default JIT stack.
            jitStack = pcre2_jit_stack_create_8(64 << 10, 64 << 20, nil)
            matchContext = pcre2_match_context_create_8(nil)
            if let matchContext { pcre2_jit_stack_assign_8(matchContext, nil, UnsafeMutableRawPointer(jitStack)) }
        } else {
            jitStack = nil
            matchContext = nil
        }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        if let matchContext { pcre2_match_context_free_8(matchContext) }
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// The leftmost match in `subject` starting at or after `offset`, as byte offsets into
    /// `subject`, or `nil`. With `nonEmptyAnchored`, only a non-empty match starting exactly
    /// at `offset` is accepted (the retry after an empty match, as Perl and Python do).
    ///
    /// `subject` must be valid UTF-8 and `offset` a character boundary: nothing is re-checked.
    ///
    /// Inlinable: the split calls it once per word from other modules, and the JIT path is a
    /// few instructions around the call into PCRE2.
    @inlinable @inline(__always)
    public func match(
        in subject: UnsafeBufferPointer<UInt8>, from offset: Int, nonEmptyAnchored: Bool = false
    ) throws(PatternError) -> Range<Int>? {
        let rc: Int32
        if !nonEmptyAnchored && pattern.usesJIT {
            // A zero-length buffer may have no base address; PCRE2 needs a pointer anyway.
            let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)!
            rc = pcre2_jit_match_8(pattern.code, base, subject.count, offset, 0, matchData, matchContext)
        } else {
            rc = interpretedMatch(in: subject, from: offset, nonEmptyAnchored: nonEmptyAnchored)
        }
        if rc == PCRE2_ERROR_NOMATCH { return nil }
        if rc < 0 { throw .matchFailed(message: CompiledPattern.message(for: rc)) }
        let start = ovector[0]
        let end = ovector[1]
        // A \K inside a lookahead can report end < start; treat such a match as empty.
        return start..<max(start, end)
    }

    /// `pcre2_match` (the interpreter): the retry after an empty match, which JIT cannot
    /// anchor, and patterns JIT could not compile. Returns PCRE2's result code.
    @usableFromInline
    func interpretedMatch(in subject: UnsafeBufferPointer<UInt8>, from offset: Int, nonEmptyAnchored: Bool) -> Int32 {
        let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let options = nonEmptyAnchored ? PCRE2_ANCHORED | PCRE2_NOTEMPTY_ATSTART | PCRE2_NO_UTF_CHECK : PCRE2_NO_UTF_CHECK
        return pcre2_match_8(pattern.code, base, subject.count, offset, options, matchData, matchContext)
    }
}
