@_spi(Plumbing) import BPECore

/// Encodes one segment's words as `SegmentWalk` (or `SegmentRepair`) reports them: the words
/// the segment owns are encoded in order; for a segment that starts inside its piece, its
/// leading words are recorded for the join; the hand-off word is kept in the result.
///
/// Owned words wait in a small FIFO between the regex and their lookup, their rank-table slot
/// prefetched on arrival, so the cache miss overlaps the next matches. Three stages: on
/// arrival a word's filter bit is prefetched; half-way through the FIFO the filter decides
/// what to prefetch (the rank slot of a likely token, the cache entry of a sure non-token);
/// on leaving, the word is encoded. Invariant: the owned words reported so far are encoded
/// or in the FIFO, in order; `finish()` drains it.
struct SegmentEncoder: SegmentWalkVisitor {
    private let encoder: UnitEncoder
    private let ranks: RankTable
    private let cache: WordCache
    /// The FIFO's storage, owned by `encoder`.
    private let queuedWords: UnsafeMutablePointer<Range<Int>>
    private let queuedProbes: UnsafeMutablePointer<RankTable.Probe?>
    private let queuedKeys: UnsafeMutablePointer<WordCache.Key?>
    /// Where the piece's bytes start.
    private let base: UnsafePointer<UInt8>
    /// The piece, in file offsets.
    private let piece: Range<Int>
    /// Leading words still to record (`nil`: the segment starts at its piece's start).
    private var recordsLeft: Int?
    private var result: EncodedUnit
    private var queued = 0
    private var head = 0

    init(encoder: UnitEncoder, base: UnsafePointer<UInt8>, piece: Range<Int>, recordsLeft: Int?, result: EncodedUnit) {
        self.encoder = encoder
        ranks = encoder.ranks
        cache = encoder.cache
        queuedWords = encoder.queuedWords
        queuedProbes = encoder.queuedProbes
        queuedKeys = encoder.queuedKeys
        self.base = base
        self.piece = piece
        self.recordsLeft = recordsLeft
        self.result = result
    }

    @inline(__always)
    mutating func own(_ word: Range<Int>) {
        let capacity = UnitEncoder.queueCapacity
        let probe: RankTable.Probe? = word.isEmpty ? nil : ranks.probe(base + word.lowerBound, word.count)
        if let probe { ranks.prefetchFilter(probe) }
        if queued >= capacity / 2 {
            let middle = (head + queued - capacity / 2) & (capacity - 1)
            if let waiting = queuedProbes[middle] {
                if ranks.mayContain(waiting) {
                    ranks.prefetch(waiting)
                } else if queuedWords[middle].count <= WordCache.maximumWordLength {
                    let waitingWord = queuedWords[middle]
                    let waitingKey = cache.key(base + waitingWord.lowerBound, length: waitingWord.count)
                    cache.prefetch(waitingKey)
                    queuedKeys[middle] = waitingKey
                }
            }
        }
        if queued == capacity { emitOldest() }
        let tail = (head + queued) & (capacity - 1)
        queuedWords[tail] = word
        queuedProbes[tail] = probe
        queuedKeys[tail] = nil  // set half-way through if the word is a sure non-token
        queued += 1
    }

    @inline(__always)
    mutating func superseded(_ word: Range<Int>) {}

    mutating func handOff(at word: Range<Int>?) {
        result.handOff = (piece.lowerBound, word.map { shifted($0) } ?? UnitEncoder.pieceEndMarker(piece))
    }

    /// Encodes the words still in the FIFO and returns the segment's result.
    mutating func finish() -> EncodedUnit {
        while queued > 0 { emitOldest() }
        return result
    }

    @inline(__always)
    private mutating func emitOldest() {
        let word = queuedWords[head]
        if let probe = queuedProbes[head] {
            encoder.encodeWord(
                base + word.lowerBound, length: word.count, probe: probe, key: queuedKeys[head],
                into: &result.ids)
            result.words += 1
        }
        if recordsLeft != nil { record(word) }
        queued -= 1
        head = (head + 1) & (UnitEncoder.queueCapacity - 1)
    }

    /// Records a leading word for the join, with the ids emitted so far.
    private mutating func record(_ word: Range<Int>) {
        guard let left = recordsLeft else { return }
        if left > 0 {
            let range = shifted(word)
            result.leadingWords.append(.init(
                start: range.lowerBound, end: range.upperBound, idEnd: result.ids.count))
            recordsLeft = left - 1
        } else {
            result.leadingWordsComplete = false
        }
    }

    /// `word` (piece offsets) in file offsets.
    @inline(__always)
    func shifted(_ word: Range<Int>) -> Range<Int> {
        (word.lowerBound + piece.lowerBound)..<(word.upperBound + piece.lowerBound)
    }
}

/// A repair's encoding visitor: passes on the words `SegmentRepair` reports, except owned
/// words before `skipBefore` (file offsets), which the join already has (see `EncodedStream`).
/// Apart from `SegmentEncoder` so that the per-word path of every other walk has no check.
struct RepairEncoder: SegmentWalkVisitor {
    var encoder: SegmentEncoder
    var skipBefore: Range<Int>?

    mutating func own(_ word: Range<Int>) {
        if let skip = skipBefore {
            if EncodedUnit.precedes(encoder.shifted(word), skip) { return }
            skipBefore = nil
        }
        encoder.own(word)
    }

    mutating func superseded(_ word: Range<Int>) { encoder.superseded(word) }
    mutating func handOff(at word: Range<Int>?) { encoder.handOff(at: word) }
}
