/// A hand-written scanner for one preset (SPEC §3): yields exactly the words tiktoken's regex
/// engine yields for the preset's regex, with Unicode 16.0's classes (`UnicodeClassTable`),
/// several times faster than PCRE2 and independent of the system PCRE2's Unicode version.
///
/// It answers the same question as `PatternMatcher.match`, with the same meaning of the limit,
/// so every walk (`WordCursor`, `SegmentWalk`, `SegmentRepair`) uses it unchanged. A preset's
/// words are never empty and cover the text, so the match at an offset always starts there.
///
/// Immutable and shareable between threads; it keeps no state between calls.
@_spi(Plumbing) public struct PresetScanner: Sendable {
    public let preset: SplitPattern
    /// `UnicodeClassTable.shared`, which is never freed (so its pointers stay valid).
    let table: UnicodeClassTable

    public init(_ preset: SplitPattern) {
        self.preset = preset
        table = UnicodeClassTable.shared
    }

    /// The word at `offset` of `subject`, reading no byte at or after `limit` (a character
    /// boundary, `offset...subject.count`): `.match` when it is the word on the whole subject,
    /// `.unresolved` when telling would need the text at or after the limit (or the word ends
    /// there), `.noMatch` at the end of the subject.
    /// - Complexity: O(word length), one table lookup per character (ASCII: per byte).
    public func match(in subject: UnsafeBufferPointer<UInt8>, from offset: Int, limit: Int) -> PatternMatcher.Outcome {
        if offset >= subject.count { return .noMatch }
        let bounded = limit < subject.count
        guard offset < limit, let base = subject.baseAddress else { return .unresolved }
        var reader = ScanReader(base: base, limit: limit, table: table)
        let end: Int
        switch preset {
        case .gpt2: end = reader.gpt2Word(at: offset)
        case .gpt4: end = reader.gpt4Word(at: offset)
        case .o200k: end = reader.o200kWord(at: offset)
        }
        if bounded && (reader.reachedLimit || end >= limit) { return .unresolved }
        return .match(offset..<end)
    }

    /// The ends of the words from `offset` on, as `match` would find them one by one, written
    /// to `ends`: at most `capacity`, stopping before the first word that is unresolved (or
    /// at the subject's end). Returns how many. For `WordCursor`'s read-ahead.
    /// - Complexity: O(bytes of the words found, plus the next word's).
    public func scan(
        in subject: UnsafeBufferPointer<UInt8>, from offset: Int, limit: Int,
        into ends: UnsafeMutablePointer<Int>, capacity: Int
    ) -> Int {
        guard offset < limit, let base = subject.baseAddress else { return 0 }
        switch preset {
        case .gpt2: return Self.scanGPT2(base, from: offset, limit: limit, count: subject.count, table: table, into: ends, capacity: capacity)
        case .gpt4: return Self.scanGPT4(base, from: offset, limit: limit, count: subject.count, table: table, into: ends, capacity: capacity)
        case .o200k: return Self.scanO200k(base, from: offset, limit: limit, count: subject.count, table: table, into: ends, capacity: capacity)
        }
    }

    // One loop per preset (each call site passes its fast path as a closure literal, which is
    // inlined): words that start with an ASCII character inline, with the reader in registers;
    // any other word through the preset's whole grammar, out of line.

    static func scanGPT2(
        _ base: UnsafePointer<UInt8>, from offset: Int, limit: Int, count: Int, table: UnicodeClassTable,
        into ends: UnsafeMutablePointer<Int>, capacity: Int
    ) -> Int {
        scanLoop(.gpt2, base, from: offset, limit: limit, count: count, table: table, into: ends, capacity: capacity) {
            $0.fastGPT2Word(at: $1)
        }
    }

    static func scanGPT4(
        _ base: UnsafePointer<UInt8>, from offset: Int, limit: Int, count: Int, table: UnicodeClassTable,
        into ends: UnsafeMutablePointer<Int>, capacity: Int
    ) -> Int {
        scanLoop(.gpt4, base, from: offset, limit: limit, count: count, table: table, into: ends, capacity: capacity) {
            $0.fastGPT4Word(at: $1)
        }
    }

    static func scanO200k(
        _ base: UnsafePointer<UInt8>, from offset: Int, limit: Int, count: Int, table: UnicodeClassTable,
        into ends: UnsafeMutablePointer<Int>, capacity: Int
    ) -> Int {
        scanLoop(.o200k, base, from: offset, limit: limit, count: count, table: table, into: ends, capacity: capacity) {
            $0.fastO200kWord(at: $1)
        }
    }

    /// The batch loop: each word by `fastWord` if it knows it, else by `preset`'s whole
    /// grammar. Unbounded (limit == count), a word that reaches the limit reached the end: it
    /// is final; bounded, the loop stops before a word that reached the limit.
    @inline(__always)
    static func scanLoop(
        _ preset: SplitPattern, _ base: UnsafePointer<UInt8>, from offset: Int, limit: Int, count: Int,
        table: UnicodeClassTable, into ends: UnsafeMutablePointer<Int>, capacity: Int,
        fastWord: (inout ScanReader, Int) -> Int?
    ) -> Int {
        var reader = ScanReader(base: base, limit: limit, table: table)
        let bounded = limit < count
        var position = offset, found = 0
        while found < capacity && position < limit {
            var end: Int
            if let fast = fastWord(&reader, position) {
                end = fast
            } else {
                let word = ScanReader.wordOutOfLine(preset, reader, at: position)
                end = word.end
                if word.reachedLimit { reader.reachedLimit = true }
            }
            if bounded && (reader.reachedLimit || end >= limit) { break }
            ends[found] = end
            found &+= 1
            position = end
        }
        return found
    }
}
