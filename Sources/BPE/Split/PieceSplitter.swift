/// Counts the words of one segment of a piece, so that segments cut anywhere add up to
/// exactly the words of the whole piece.
///
/// Let S(x) be the word sequence a `WordCursor` produces when it starts at offset x. The
/// true words of a piece are S(0). A segment [s, e) counts every word of S(s) that starts
/// before e; if e is not the piece's end it goes on, walking S(s) and S(e) together in
/// (start, end) order, counting +1 for each word of S(s) and -1 for each word of S(e), until
/// both produce the same word. From that word on the two sequences are identical (a cursor's
/// state depends only on its last match), so the segment has contributed S(s) minus S(e) up
/// to their common tail. Summed over the segments s0 = 0 < s1 < … of a piece these
/// contributions telescope to S(0). In practice the walk ends after a word or two; a
/// pathological cut (inside a run of digits for `\p{N}{1,3}`) walks until the run ends.
enum PieceSplitter {
    /// Adds to `table` the contribution of segment `start..<end` of `piece`. `readableEnd` is
    /// the end of the memory the piece lies in (the table may read a few bytes past a word).
    static func countSegment<Sink: WordSink>(
        piece: UnsafeBufferPointer<UInt8>, start: Int, end: Int, readableEnd: UnsafePointer<UInt8>,
        matcher: PatternMatcher, table: Sink
    ) throws(TrainError) {
        let base = piece.baseAddress!
        var ours = WordCursor(subject: piece, start: start)
        var word = try ours.next(matcher)
        // Invariant: every word of S(start) before `word` has been counted.
        while let current = word, current.lowerBound < end {
            if !current.isEmpty { table.addSoon(base + current.lowerBound, length: current.count, readableEnd: readableEnd) }
            word = try ours.next(matcher)
        }
        if end >= piece.count { return }

        var theirs = WordCursor(subject: piece, start: end)
        var their = try theirs.next(matcher)
        // Invariant: the words counted (+1) and subtracted (-1) so far are exactly those of
        // S(start) and S(end) that precede, in (start, end) order, both `word` and `their`.
        while true {
            switch (word, their) {
            case (nil, nil):
                return
            case let (mine?, theirsWord?) where mine == theirsWord:
                return
            case let (mine?, theirsWord) where theirsWord == nil || precedes(mine, theirsWord!):
                if !mine.isEmpty { table.add(base + mine.lowerBound, length: mine.count, delta: 1, readableEnd: readableEnd) }
                word = try ours.next(matcher)
            case let (_, theirsWord?):
                if !theirsWord.isEmpty { table.add(base + theirsWord.lowerBound, length: theirsWord.count, delta: -1, readableEnd: readableEnd) }
                their = try theirs.next(matcher)
            default:
                return
            }
        }
    }

    @inline(__always)
    private static func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.lowerBound < b.lowerBound || (a.lowerBound == b.lowerBound && a.upperBound < b.upperBound)
    }
}
