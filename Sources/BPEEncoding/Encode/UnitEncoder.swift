@_spi(Plumbing) import BPECore

/// One worker's encoder: its own PCRE2 matcher and merge scratch, reading the shared
/// `Tokenizer`. Encodes work units (byte ranges of an input) into `EncodedUnit`s.
final class UnitEncoder {
    let tokenizer: Tokenizer
    let matcher: PatternMatcher
    let merger: BytePairMerger
    let ranks: RankTable
    let cache: WordCache
    /// Splits of words too long for `cache` (see `encodeLongWord`), and the bytes they hold.
    var longWords: [[UInt8]: [TokenID]] = [:]
    var longWordBytes = 0
    /// What `longWords` may hold before it is emptied: word bytes, 4 per id and
    /// `longWordOverhead` per entry (two arrays and a slot), about 25,000 typical entries.
    static let longWordBudget = 4 << 20
    static let longWordOverhead = 96
    /// Longer words are not remembered: their copy would cost more than a repeat saves.
    static let longestRememberedWord = 1 << 20
    /// The FIFO of `SegmentEncoder` (a power of two long).
    static let queueCapacity = 16
    let queuedWords = UnsafeMutablePointer<Range<Int>>.allocate(capacity: queueCapacity)
    let queuedProbes = UnsafeMutablePointer<RankTable.Probe?>.allocate(capacity: queueCapacity)
    let queuedKeys = UnsafeMutablePointer<WordCache.Key?>.allocate(capacity: queueCapacity)

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

    /// Encodes unit `index` of `plan` (of `file`): the allowed special tokens that start in
    /// it and the segments of the pieces it overlaps, in text order. At most
    /// `leadingWordLimit` leading words are recorded for the join.
    func encode(
        unit index: Int, of plan: WorkPlan, file: CorpusFile, specials: [SpecialTokenHit], leadingWordLimit: Int
    ) throws(EncodeError) -> EncodedUnit {
        var result = EncodedUnit(file: plan.units[index].file)
        let (range, segments) = plan.segments(ofUnit: index, in: file.bytes)
        result.firstSegment = segments.first
        result.ids.reserveCapacity(range.count / 3 + 16)
        var specialIndex = Self.firstIndex(in: specials.count) { specials[$0].range.lowerBound >= range.lowerBound }
        func emitSpecials(before limit: Int) {
            while specialIndex < specials.count && specials[specialIndex].range.lowerBound < min(limit, range.upperBound) {
                result.ids.append(specials[specialIndex].id)
                specialIndex += 1
            }
        }
        for segment in segments {
            emitSpecials(before: segment.piece.lowerBound)
            do throws(PatternError) {
                let outcome = try encodeSegment(
                    segment, in: file.bytes,
                    recordLeading: segment.start > segment.piece.lowerBound ? leadingWordLimit : nil, into: &result)
                if case let .incomplete(state) = outcome {
                    result.incompleteTail = .init(piece: segment.piece, state: state)
                }
            } catch {
                throw .pattern(error)
            }
        }
        emitSpecials(before: range.upperBound)
        return result
    }

    /// Encodes the words `SegmentWalk` gives segment `start..<end` of `piece` (file offsets)
    /// into `result`; the hand-off word is recorded for the join (`EncodedStream`).
    private func encodeSegment(
        _ segment: UnitSegment, in text: UnsafeBufferPointer<UInt8>, recordLeading: Int?, into result: inout EncodedUnit
    ) throws(PatternError) -> SegmentWalk.Outcome {
        let piece = segment.piece
        let subject = UnsafeBufferPointer(rebasing: text[piece])
        if recordLeading != nil { result.insidePiece = piece.lowerBound }
        var encoder = SegmentEncoder(
            encoder: self, base: subject.baseAddress!, piece: piece, recordsLeft: recordLeading, result: result)
        result = EncodedUnit(file: result.file)  // `encoder` is now the only owner: no copies
        defer { result = encoder.finish() }
        return try SegmentWalk.walk(
            piece: subject, start: segment.start - piece.lowerBound, end: segment.end - piece.lowerBound,
            limit: segment.limit - piece.lowerBound, matcher: matcher, visitor: &encoder)
    }

    /// Goes on with `repair` (of the piece `segment` lies in) and meets `segment`: the true
    /// words before the hand-off (or before `segment`, if it is passed), encoded except those
    /// before `skipBefore` (file offsets), and the hand-off word (file offsets) if there is one.
    func meet(
        _ segment: UnitSegment, in text: UnsafeBufferPointer<UInt8>, repair: inout SegmentRepair, file: Int,
        skipBefore: Range<Int>?
    ) throws(PatternError) -> (meeting: SegmentRepair.Meeting, encoded: EncodedUnit) {
        let piece = segment.piece
        let subject = UnsafeBufferPointer(rebasing: text[piece])
        var encoder = RepairEncoder(
            encoder: SegmentEncoder(
                encoder: self, base: subject.baseAddress!, piece: piece, recordsLeft: nil, result: EncodedUnit(file: file)),
            skipBefore: skipBefore)
        let meeting = try repair.meet(
            start: segment.start - piece.lowerBound, end: segment.end - piece.lowerBound,
            limit: segment.limit - piece.lowerBound, matcher: matcher, visitor: &encoder)
        return (meeting, encoder.encoder.finish())
    }

    /// Encodes every true word `repair` has left (its piece ends before another unit starts).
    func finish(
        _ repair: inout SegmentRepair, piece: Range<Int>, in text: UnsafeBufferPointer<UInt8>, file: Int,
        skipBefore: Range<Int>?
    ) throws(PatternError) -> EncodedUnit {
        let subject = UnsafeBufferPointer(rebasing: text[piece])
        var encoder = RepairEncoder(
            encoder: SegmentEncoder(
                encoder: self, base: subject.baseAddress!, piece: piece, recordsLeft: nil, result: EncodedUnit(file: file)),
            skipBefore: skipBefore)
        try repair.finish(matcher: matcher, visitor: &encoder)
        return encoder.encoder.finish()
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
    var id: TokenID
}
