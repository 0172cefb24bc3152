/// One worker's encoder: its own PCRE2 matcher and merge scratch, reading the shared
/// `Tokenizer`. Encodes work units (byte ranges of an input) into `EncodedUnit`s.
final class UnitEncoder {
    let tokenizer: Tokenizer
    private let matcher: PatternMatcher
    let merger: BytePairMerger
    let ranks: RankTable
    let cache: WordCache
    /// Splits of words too long for `cache` (see `encodeLongWord`).
    var longWords: [[UInt8]: [Rank]] = [:]
    static let longWordLimit = 1 << 14
    /// The FIFO of `encodeSegment` (a power of two long).
    private static let queueCapacity = 16
    private let queuedWords = UnsafeMutablePointer<Range<Int>>.allocate(capacity: queueCapacity)
    private let queuedProbes = UnsafeMutablePointer<RankTable.Probe?>.allocate(capacity: queueCapacity)
    private let queuedKeys = UnsafeMutablePointer<WordCache.Key?>.allocate(capacity: queueCapacity)

    /// An encoder for about `inputBytes` of text: the word cache is sized to it (at most
    /// 64K entries), so encoding a short string does not set up megabytes.
    init(_ tokenizer: Tokenizer, inputBytes: Int = Int.max, heapThreshold: Int = BytePairMerger.defaultHeapThreshold) {
        self.tokenizer = tokenizer
        matcher = PatternMatcher(tokenizer.compiledPattern)
        merger = BytePairMerger(heapThreshold: heapThreshold)
        ranks = tokenizer.ranks
        cache = WordCache(slots: min(1 << 16, max(64, inputBytes / 16)))
        queuedWords.initialize(repeating: 0..<0, count: Self.queueCapacity)
        queuedProbes.initialize(repeating: nil, count: Self.queueCapacity)
        queuedKeys.initialize(repeating: nil, count: Self.queueCapacity)
    }

    deinit {
        queuedWords.deallocate()
        queuedProbes.deallocate()
        queuedKeys.deallocate()
    }

    /// Encodes `unit` of `file`: the allowed special tokens that start in it and the segments
    /// of the pieces it overlaps, in text order. At most `leadingWordLimit` leading words
    /// are recorded for the join.
    func encode(
        _ unit: WorkUnit, next: WorkUnit?, file: CorpusFile, pieces: [Range<Int>], specials: [SpecialTokenHit],
        leadingWordLimit: Int
    ) throws(EncodeError) -> EncodedUnit {
        var result = EncodedUnit(file: unit.file)
        let range = unit.characterRange(in: file.bytes)
        let nextEnd = max(range.upperBound, next?.characterRange(in: file.bytes).upperBound ?? file.bytes.count)
        result.ids.reserveCapacity(range.count / 3 + 16)
        var pieceIndex = Self.firstIndex(in: pieces.count) { pieces[$0].upperBound > range.lowerBound }
        var specialIndex = Self.firstIndex(in: specials.count) { specials[$0].range.lowerBound >= range.lowerBound }
        func emitSpecials(before limit: Int) {
            while specialIndex < specials.count && specials[specialIndex].range.lowerBound < min(limit, range.upperBound) {
                result.ids.append(specials[specialIndex].id)
                specialIndex += 1
            }
        }
        while pieceIndex < pieces.count && pieces[pieceIndex].lowerBound < range.upperBound {
            let piece = pieces[pieceIndex]
            emitSpecials(before: piece.lowerBound)
            let start = max(piece.lowerBound, range.lowerBound)
            let end = min(piece.upperBound, range.upperBound)
            do {
                try encodeSegment(
                    piece: piece, in: file.bytes, start: start, end: end, nextEnd: min(piece.upperBound, nextEnd),
                    recordLeading: start > piece.lowerBound ? leadingWordLimit : nil, into: &result)
            } catch {
                throw .input(error)
            }
            pieceIndex += 1
        }
        emitSpecials(before: range.upperBound)
        return result
    }

    /// Encodes the words of S(start) of `piece` (file offsets) that start before `end`, then,
    /// if `end` is inside the piece, walks on with S(end) in lockstep until both meet (the
    /// `PieceSplitter` walk), encoding this unit's words only; the meeting word is the
    /// hand-off to the next unit. As in `PieceSplitter`, a segment starting inside the piece
    /// leaves its first word to the segment before when that word crosses its end (`nextEnd`
    /// is the next segment's end): a word megabytes long is then encoded once, not once per
    /// segment it spans.
    private func encodeSegment(
        piece: Range<Int>, in text: UnsafeBufferPointer<UInt8>, start: Int, end: Int, nextEnd: Int,
        recordLeading: Int?, into result: inout EncodedUnit
    ) throws(TrainError) {
        let subject = UnsafeBufferPointer(rebasing: text[piece])
        let base = subject.baseAddress!
        let offset = piece.lowerBound
        if recordLeading != nil { result.insidePiece = offset }
        var recordsLeft = recordLeading ?? 0

        @inline(__always)
        func emit(_ word: Range<Int>, into result: inout EncodedUnit) {
            emit(word, probe: word.isEmpty ? nil : ranks.probe(base + word.lowerBound, word.count), into: &result)
        }

        @inline(__always)
        func emit(_ word: Range<Int>, probe: RankTable.Probe?, key: WordCache.Key? = nil, into result: inout EncodedUnit) {
            if let probe {
                encodeWord(base + word.lowerBound, length: word.count, probe: probe, key: key, into: &result.ids)
                result.words += 1
            }
            guard recordLeading != nil else { return }
            if recordsLeft > 0 {
                result.leadingWords.append(.init(
                    start: word.lowerBound + offset, end: word.upperBound + offset, idEnd: result.ids.count))
                recordsLeft -= 1
            } else {
                result.leadingWordsComplete = false
            }
        }

        var ours = WordCursor(subject: subject, start: start - offset)
        var word = try ours.next(matcher)
        if recordLeading != nil, let first = word, PieceSplitter.crosses(first, end - offset) {
            // Left to the unit before (it encodes it if it is a true word): recorded, not encoded.
            if recordsLeft > 0 {
                result.leadingWords.append(.init(
                    start: first.lowerBound + offset, end: first.upperBound + offset, idEnd: result.ids.count, counted: false))
                recordsLeft -= 1
            } else {
                result.leadingWordsComplete = false
            }
            word = try ours.next(matcher)
        }
        // Words wait in a small FIFO between the regex and their lookup, their rank-table slot
        // prefetched on arrival, so the cache miss overlaps the next matches.
        // Invariant: the words of S(start) before `word` are encoded or in the FIFO, in order.
        var queued = 0
        var head = 0
        while let current = word, current.lowerBound < end - offset {
            // Three stages: on arrival the word's filter bit is prefetched; half-way through
            // the FIFO the filter decides what to prefetch (the rank slot of a likely token,
            // the cache entry of a sure non-token); on leaving, the word is encoded.
            let probe: RankTable.Probe? = current.isEmpty ? nil : ranks.probe(base + current.lowerBound, current.count)
            if let probe { ranks.prefetchFilter(probe) }
            if queued >= Self.queueCapacity / 2 {
                let middle = (head + queued - Self.queueCapacity / 2) & (Self.queueCapacity - 1)
                if let waiting = queuedProbes[middle] {
                    if ranks.mayContain(waiting) {
                        ranks.prefetch(waiting)
                    } else if queuedWords[middle].count <= WordCache.maximumWordLength {
                        let waitingKey = cache.key(base + queuedWords[middle].lowerBound, length: queuedWords[middle].count)
                        cache.prefetch(waitingKey)
                        queuedKeys[middle] = waitingKey
                    }
                }
            }
            if queued == Self.queueCapacity {
                emit(queuedWords[head], probe: queuedProbes[head], key: queuedKeys[head], into: &result)
                queued -= 1
                head = (head + 1) & (Self.queueCapacity - 1)
            }
            let tail = (head + queued) & (Self.queueCapacity - 1)
            queuedWords[tail] = current
            queuedProbes[tail] = probe
            queuedKeys[tail] = nil  // set half-way through if the word is a sure non-token
            queued += 1
            word = try ours.next(matcher)
        }
        while queued > 0 {
            emit(queuedWords[head], probe: queuedProbes[head], key: queuedKeys[head], into: &result)
            queued -= 1
            head = (head + 1) & (Self.queueCapacity - 1)
        }
        if end >= piece.upperBound { return }

        var theirs = WordCursor(subject: subject, start: end - offset)
        var their = try theirs.next(matcher)
        var theirFirstIsLeft = their.map { PieceSplitter.crosses($0, nextEnd - offset) } ?? false
        // Invariant: every word of S(start) before `word` is encoded; `their` is the first word
        // of S(end) not before `word` in (start, end) order.
        while true {
            switch (word, their) {
            case (nil, nil):
                result.handOff = (offset, Self.pieceEndMarker(piece))
                return
            case let (mine?, theirsWord?) where mine == theirsWord:
                if theirFirstIsLeft {
                    // The next unit left this word to us: encode it, hand off the one after.
                    emit(mine, into: &result)
                    let after = try ours.next(matcher)
                    result.handOff = (offset, after.map { ($0.lowerBound + offset)..<($0.upperBound + offset) }
                        ?? Self.pieceEndMarker(piece))
                    return
                }
                result.handOff = (offset, (mine.lowerBound + offset)..<(mine.upperBound + offset))
                return
            case let (mine?, theirsWord) where theirsWord == nil || EncodedUnit.precedes(mine, theirsWord!):
                emit(mine, into: &result)
                word = try ours.next(matcher)
            default:
                their = try theirs.next(matcher)
                theirFirstIsLeft = false
            }
        }
    }

    /// A "word" after every word of `piece`: the hand-off when the next unit's words are all
    /// superseded.
    static func pieceEndMarker(_ piece: Range<Int>) -> Range<Int> {
        (piece.upperBound + 1)..<(piece.upperBound + 1)
    }

    /// The first index in 0..<count where `isAtOrAfter` holds (it must be monotone).
    private static func firstIndex(in count: Int, where isAtOrAfter: (Int) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if isAtOrAfter(mid) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

/// An allowed special token found in an input: where, and the id it encodes to.
struct SpecialTokenHit: Sendable {
    var range: Range<Int>
    var id: Rank
}
