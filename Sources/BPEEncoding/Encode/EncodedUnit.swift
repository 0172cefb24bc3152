@_spi(Plumbing) import BPECore

/// The ids of one work unit, with what is needed to join it exactly to its neighbours.
///
/// A unit that starts inside a piece begins with that piece's word sequence as seen from
/// its start, S(s), which may disagree with the true one for a word or two. The unit before
/// walked on past s until its own sequence met S(s) at a common word, its `handOff`; the
/// words of S(s) before that word were already encoded by it, so the join drops them
/// (see `EncodedStream`).
struct EncodedUnit {
    /// A word of the unit's first piece segment: file offsets, and the ids emitted up to and
    /// including it.
    struct LeadingWord {
        var start: Int
        var end: Int
        var idEnd: Int
    }

    /// The unit's last segment, if its walk stopped at its limit (see `SegmentWalk`): the
    /// join goes on from where it stopped with a `SegmentRepair`.
    struct IncompleteTail {
        var piece: Range<Int>
        var state: WordCursor.State
    }

    var file: Int
    var ids: [TokenID] = []
    /// Non-empty words encoded (for `bpe eval`).
    var words = 0
    /// File offset of the piece the unit starts inside, if it starts inside one.
    var insidePiece: Int?
    /// The first words of that segment, at most `EncodeSettings.leadingWordLimit` of them.
    var leadingWords: [LeadingWord] = []
    var leadingWordsComplete = true
    /// The first word (file offsets) this unit's sequence shares with the next unit's, when
    /// the unit ends inside a piece; `pieceEndMarker` if they share none before the piece ends.
    var handOff: (piece: Int, word: Range<Int>)?
    var incompleteTail: IncompleteTail?
    /// The unit's first segment (what a repair in progress meets), kept here so that the
    /// join never reads the text again: its pages are released by then.
    var firstSegment: UnitSegment?

    init(file: Int) { self.file = file }

    /// Whether word `a` comes before word `b` in a findall sequence holding both.
    @inline(__always)
    static func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.lowerBound < b.lowerBound || (a.lowerBound == b.lowerBound && a.upperBound < b.upperBound)
    }
}
