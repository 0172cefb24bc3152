@_spi(Plumbing) import BPECore

/// A candidate merge in the priority heap: a pair and its count when it was pushed.
///
/// Order (SPEC §4): higher count first; among equal counts, by the vocabulary's `TieBreak`:
/// the greater bytes of the left token, then the greater bytes of the right token, as unsigned
/// byte strings (`cs336`), or the smaller (left id, right id) (`rustbpe`). `Heap.max` is
/// the best pair. The count may be stale (higher than the pair's count now): the merge loop
/// re-validates an entry when it reaches the top.
///
/// 24 bytes: the heap holds one entry per live pair (millions), so the bytes are looked up in
/// the vocabulary, and only when two counts tie.
struct PairEntry: Comparable {
    var count: Int64
    var left: UInt32
    var right: UInt32
    /// The trainer's vocabulary, which outlives every entry (the trainer owns both).
    unowned(unsafe) let vocabulary: TokenVocabulary

    static func < (a: PairEntry, b: PairEntry) -> Bool {
        if a.count != b.count { return a.count < b.count }
        let vocabulary = a.vocabulary
        if vocabulary.tieBreak == .smallestIDs {
            // The smaller ids are the better pair, so the "lesser" entry has the greater ids.
            return a.left != b.left ? a.left > b.left : a.right > b.right
        }
        let byLeft = ByteOrder.compare(vocabulary.bytes(a.left), vocabulary.bytes(b.left))
        if byLeft != 0 { return byLeft < 0 }
        return ByteOrder.compare(vocabulary.bytes(a.right), vocabulary.bytes(b.right)) < 0
    }

    static func == (a: PairEntry, b: PairEntry) -> Bool {
        a.count == b.count && a.left == b.left && a.right == b.right
    }
}
