@_spi(Plumbing) import BPECore

/// Joins encoded units, in order, into the ids of the whole inputs.
///
/// Unit j-1 encoded the true words of a piece up to its hand-off word W; unit j encoded the
/// piece as seen from its own start, S(s), which holds W and agrees with the truth from W
/// on. So the join drops unit j's leading words that precede W. If unit j-1's walk went past
/// all of unit j (possible with tiny shards), unit j is dropped whole and W stays the
/// hand-off for unit j+1, whose sequence holds W too (it meets S(s) before W).
struct EncodedStream {
    private var handOff: (file: Int, piece: Int, word: Range<Int>)?

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
                droppedWords = unit.leadingWords[..<superseded].count { $0.end > $0.start && $0.counted }
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
