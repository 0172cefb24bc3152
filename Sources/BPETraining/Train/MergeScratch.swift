/// One worker's share of a merge (`MergeTrainer.applyMerge`): the words it rewrote changed
/// pair counts, recorded here instead of in the shared tables, so that several workers can
/// rewrite at once. Kept between merges so its buffers are reused.
///
/// `@unchecked Sendable`: each worker writes only its own scratch; the merge loop reads them
/// all after the workers are done.
final class MergeScratch: @unchecked Sendable {
    /// The worker's records; a struct so the hot loop's accesses are checked at compile time.
    var state = State()

    struct State {
    /// A pair holding the new token, as seen by this worker.
    struct NewPair {
        var left: UInt32
        var right: UInt32
        var count: Int64 = 0
        /// Words it appeared in, ascending, each once.
        var words: [UInt32] = []
    }

    /// Changes to live pairs that existed before the merge, by pair id.
    var existingIDs: [Int32] = []
    var existingDeltas: [Int64] = []
    /// Change to the merged pair's own count.
    var mergedDelta: Int64 = 0
    var newPairs: [NewPair] = []
    /// Index into `newPairs` of (x, new) and (new, x) by x; -1 when not seen in this merge.
    private var endingInNew: [Int32] = []
    private var startingWithNew: [Int32] = []
    private var touchedEnding: [UInt32] = []
    private var touchedStarting: [UInt32] = []

    /// Makes room for token ids below `vocabularySize` and forgets the previous merge.
    mutating func reset(vocabularySize: Int) {
        for token in touchedEnding { endingInNew[Int(token)] = -1 }
        for token in touchedStarting { startingWithNew[Int(token)] = -1 }
        touchedEnding.removeAll(keepingCapacity: true)
        touchedStarting.removeAll(keepingCapacity: true)
        while endingInNew.count < vocabularySize {
            endingInNew.append(-1)
            startingWithNew.append(-1)
        }
        existingIDs.removeAll(keepingCapacity: true)
        existingDeltas.removeAll(keepingCapacity: true)
        mergedDelta = 0
        newPairs.removeAll(keepingCapacity: true)
    }

    /// Records `delta` for live pair `id`; a pair that is not live (`id` < 0) is not tracked.
    @inline(__always)
    mutating func addToExisting(_ id: Int32, _ delta: Int64) {
        guard id >= 0 else { return }
        existingIDs.append(id)
        existingDeltas.append(delta)
    }

    /// Adds `delta` to the new pair (left, right), one of which is `newToken`, listing `word`.
    @inline(__always)
    mutating func addToNew(_ left: UInt32, _ right: UInt32, _ delta: Int64, newToken: UInt32, listing word: UInt32?) {
        let index: Int
        if left == newToken {
            if startingWithNew[Int(right)] < 0 {
                startingWithNew[Int(right)] = Int32(newPairs.count)
                touchedStarting.append(right)
                newPairs.append(NewPair(left: left, right: right))
            }
            index = Int(startingWithNew[Int(right)])
        } else {
            if endingInNew[Int(left)] < 0 {
                endingInNew[Int(left)] = Int32(newPairs.count)
                touchedEnding.append(left)
                newPairs.append(NewPair(left: left, right: right))
            }
            index = Int(endingInNew[Int(left)])
        }
        newPairs[index].count += delta
        if let word, newPairs[index].words.last != word { newPairs[index].words.append(word) }
    }
}
}
