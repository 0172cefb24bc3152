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
///
/// One refinement keeps a word longer than many segments (a megabyte-long run of letters)
/// from being counted by each of them: a segment that starts inside the piece does not count
/// its first word if that word runs past the segment's end (it "crosses" it). The segment
/// before meets that word as the first of S(end): if it is their common word, it counts it
/// (+1) instead; if not, it skips the -1 it would have added. The sums are unchanged.
enum PieceSplitter {
    /// Adds to `table` the contribution of segment `start..<end` of `piece`. `nextEnd` is the
    /// end of the following segment of the piece (the piece's length if none). `readableEnd`
    /// is the end of the memory the piece lies in (the table may read a few bytes past a word).
    static func countSegment<Sink: WordSink>(
        piece: UnsafeBufferPointer<UInt8>, start: Int, end: Int, nextEnd: Int, readableEnd: UnsafePointer<UInt8>,
        matcher: PatternMatcher, table: Sink
    ) throws(TrainError) {
        let base = piece.baseAddress!
        var ours = WordCursor(subject: piece, start: start)
        var word = try ours.next(matcher)
        if start > 0, let first = word, crosses(first, end) { word = try ours.next(matcher) }
        // Invariant: every word of S(start) before `word` has been counted.
        while let current = word, current.lowerBound < end {
            if !current.isEmpty { table.addSoon(base + current.lowerBound, length: current.count, readableEnd: readableEnd) }
            word = try ours.next(matcher)
        }
        if end >= piece.count { return }

        var theirs = WordCursor(subject: piece, start: end)
        var their = try theirs.next(matcher)
        // The next segment leaves its first word to us when it crosses that segment's end.
        var theirFirstIsLeft = their.map { crosses($0, nextEnd) } ?? false
        // Invariant: the words counted (+1) and subtracted (-1) so far are exactly those of
        // S(start) and S(end) that precede, in (start, end) order, both `word` and `their`,
        // except a first word of S(end) left to us, which counts 0 here and 0 there.
        while true {
            switch (word, their) {
            case (nil, nil):
                return
            case let (mine?, theirsWord?) where mine == theirsWord:
                if theirFirstIsLeft && !mine.isEmpty {
                    table.add(base + mine.lowerBound, length: mine.count, delta: 1, readableEnd: readableEnd)
                }
                return
            case let (mine?, theirsWord) where theirsWord == nil || precedes(mine, theirsWord!):
                if !mine.isEmpty { table.add(base + mine.lowerBound, length: mine.count, delta: 1, readableEnd: readableEnd) }
                word = try ours.next(matcher)
            case let (_, theirsWord?):
                if !theirsWord.isEmpty && !theirFirstIsLeft {
                    table.add(base + theirsWord.lowerBound, length: theirsWord.count, delta: -1, readableEnd: readableEnd)
                }
                their = try theirs.next(matcher)
                theirFirstIsLeft = false
            default:
                return
            }
        }
    }

    /// Whether `word` starts before `end` and runs past it.
    @inline(__always)
    static func crosses(_ word: Range<Int>, _ end: Int) -> Bool {
        word.lowerBound < end && word.upperBound > end
    }

    @inline(__always)
    private static func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.lowerBound < b.lowerBound || (a.lowerBound == b.lowerBound && a.upperBound < b.upperBound)
    }
}
