@_spi(Plumbing) import BPECore

/// Counts a segment's words into a worker's sink as `SegmentWalk` (or `SegmentRepair`)
/// reports them: +1 for each word the segment owns, −1 for each it supersedes, empty matches
/// never (they are no words). Summed over all segments of a piece, that is exactly the
/// piece's words.
struct SegmentCounter<Sink: WordSink>: SegmentWalkVisitor {
    let sink: Sink
    /// Where the piece's words start.
    let base: UnsafePointer<UInt8>
    /// The end of the memory the piece lies in (the table may read a few bytes past a word).
    let readableEnd: UnsafePointer<UInt8>

    @inline(__always)
    mutating func own(_ word: Range<Int>) {
        if !word.isEmpty { sink.addSoon(base + word.lowerBound, length: word.count, readableEnd: readableEnd) }
    }

    @inline(__always)
    mutating func superseded(_ word: Range<Int>) {
        if !word.isEmpty { sink.add(base + word.lowerBound, length: word.count, delta: -1, readableEnd: readableEnd) }
    }

    @inline(__always)
    mutating func handOff(at word: Range<Int>?) {}
}

/// `SegmentCounter` with the signs reversed: walking a segment again with it takes back
/// everything the segment counted (a segment `SegmentRepair` passed).
struct SegmentUncounter<Sink: WordSink>: SegmentWalkVisitor {
    let counter: SegmentCounter<Sink>

    mutating func own(_ word: Range<Int>) {
        if !word.isEmpty {
            counter.sink.add(counter.base + word.lowerBound, length: word.count, delta: -1, readableEnd: counter.readableEnd)
        }
    }

    mutating func superseded(_ word: Range<Int>) {
        if !word.isEmpty {
            counter.sink.add(counter.base + word.lowerBound, length: word.count, delta: 1, readableEnd: counter.readableEnd)
        }
    }

    mutating func handOff(at word: Range<Int>?) {}
}
