@_spi(Plumbing) import BPECore

/// Joins encoded units, in order, into the ids of the whole inputs.
///
/// Unit j-1 encoded the true words of a piece up to its hand-off word W; unit j encoded the
/// piece as seen from its own start, S(s), which holds W and agrees with the truth from W
/// on. So the join drops unit j's leading words that precede W. If unit j-1's walk went past
/// all of unit j (possible with tiny shards), unit j is dropped whole and W stays the
/// hand-off for unit j+1, whose sequence holds W too (it meets S(s) before W).
///
/// A unit whose last segment is incomplete (its walk stopped at its limit: see `SegmentWalk`)
/// has no hand-off; the join goes on from where it stopped with a `SegmentRepair`, encoding
/// the true words itself, and meets the next unit's first segment: that hands off (W is
/// then the repair's hand-off word, and the unit joins as above) or is passed (the unit is
/// dropped whole and the repair meets the one after). The repair walks the stopped unit's
/// sequence S(s), which is the truth only from the hand-off in force when it started (a
/// tiny unit can stop before it): the words before that one are not encoded again, and a
/// hand-off the repair finds before it does not replace it.
struct EncodedStream {
    private var handOff: (file: Int, piece: Int, word: Range<Int>)?
    /// The repair in progress: the piece (and its input's bytes) it walks, and the hand-off
    /// in force when it started (same piece), before which it encodes nothing.
    private var repair: (
        file: Int, piece: Range<Int>, text: UnsafeBufferPointer<UInt8>, walk: SegmentRepair, skipBefore: Range<Int>?
    )?

    /// `admit`, with the repair of an incomplete unit before it: `text` is the unit's input's
    /// bytes; `encoder` encodes the repair's words (on the joining thread). The repair's ids
    /// come first, apart (they may be the ids of a word of megabytes: never copied).
    mutating func admit(
        _ encoded: EncodedUnit, text: UnsafeBufferPointer<UInt8>,
        encoder: () -> UnitEncoder, reencode: () throws(EncodeError) -> EncodedUnit
    ) throws(EncodeError) -> (repaired: (ids: [TokenID], words: Int)?, ids: ArraySlice<TokenID>, words: Int) {
        var repaired: EncodedUnit? = nil
        do throws(PatternError) {
            if var pending = repair {
                repair = nil
                if pending.file == encoded.file, let segment = encoded.firstSegment, segment.piece == pending.piece {
                    let (meeting, produced) = try encoder().meet(
                        segment, in: text, repair: &pending.walk, file: encoded.file, skipBefore: pending.skipBefore)
                    if meeting == .passed {
                        // Only a segment that ends inside its piece can be passed, and then it
                        // is its unit's only segment: the whole unit goes.
                        repair = pending
                        return ((produced.ids, produced.words), [], 0)
                    }
                    if var word = produced.handOff?.word {
                        if let earlier = pending.skipBefore, EncodedUnit.precedes(word, earlier) { word = earlier }
                        handOff = (encoded.file, pending.piece.lowerBound, word)
                    }
                    repaired = produced
                } else {
                    // Not reached: an incomplete segment's piece goes on into the next unit.
                    repaired = try encoder().finish(
                        &pending.walk, piece: pending.piece, in: pending.text, file: pending.file,
                        skipBefore: pending.skipBefore)
                }
            }
        } catch {
            throw .pattern(error)
        }
        let (ids, words) = try admit(encoded, reencode: reencode)
        if let tail = encoded.incompleteTail {
            do throws(PatternError) {
                let matcher = encoder().matcher
                let piece = UnsafeBufferPointer(rebasing: text[tail.piece])
                let inForce = handOff.flatMap { $0.file == encoded.file && $0.piece == tail.piece.lowerBound ? $0.word : nil }
                repair = (
                    encoded.file, tail.piece, text, try SegmentRepair(piece: piece, resumingAt: tail.state, matcher: matcher),
                    inForce
                )
            } catch {
                throw .pattern(error)
            }
        }
        return (repaired.map { ($0.ids, $0.words) }, ids, words)
    }

    /// The ids of `unit` that belong to the output, and the words they encode.
    /// `reencode` encodes the unit again recording every leading word, for the rare unit
    /// whose drop reaches past the words it recorded.
    mutating func admit(
        _ encoded: EncodedUnit, reencode: () throws(EncodeError) -> EncodedUnit
    ) throws(EncodeError) -> (ids: ArraySlice<TokenID>, words: Int) {
        var unit = encoded
        var droppedIDs = 0
        var droppedWords = 0
        if let piece = unit.insidePiece, let previous = handOff, previous.file == unit.file, previous.piece == piece {
            var superseded = unit.leadingWords.prefix { EncodedUnit.precedes($0.start..<$0.end, previous.word) }.count
            if superseded == unit.leadingWords.count && !unit.leadingWordsComplete {
                unit = try reencode()
                superseded = unit.leadingWords.prefix { EncodedUnit.precedes($0.start..<$0.end, previous.word) }.count
            }
            if superseded > 0 {
                droppedIDs = unit.leadingWords[superseded - 1].idEnd
                droppedWords = unit.leadingWords[..<superseded].count { $0.end > $0.start }
            }
        }
        if let next = unit.handOff {
            let keepsPrevious = handOff.map {
                $0.file == unit.file && $0.piece == next.piece && EncodedUnit.precedes(next.word, $0.word)
            } ?? false
            if !keepsPrevious { handOff = (unit.file, next.piece, next.word) }
        }
        return (unit.ids[droppedIDs...], unit.words - droppedWords)
    }
}
