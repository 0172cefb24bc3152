/// One worker's share of a merge (`MergeTrainer.learn`): the words it rewrote changed
/// pair counts, recorded here instead of in the shared tables, so that several workers can
/// rewrite at once. Kept between merges so its memory is reused.
///
/// `@unchecked Sendable`: each worker writes only its own scratch while rewriting; once every
/// rewrite is done (a barrier), each worker reads every scratch's changes for its own pair
/// shard (`ShardChanges`), and nobody writes a scratch until the next merge.
final class MergeScratch: @unchecked Sendable {
    /// The worker's records; a struct so the hot loop's accesses are checked at compile time.
    /// It owns its tables' memory (see `ScratchColumn`): a worker moves it out and back.
    var state = State()

    deinit { state.deallocate() }

    struct State {
    /// A pair holding the new token, as seen by this worker.
    struct NewPair {
        var left: UInt32
        var right: UInt32
        var count: Int64 = 0
        /// The words it appeared in, ascending, each once: `newPairWords[wordsStart ..<
        /// wordsStart + wordCount]`.
        var wordsStart: Int
        var wordCount: Int
    }

    // What `finish` hands to the merge loop, by pair shard (`PairShards`).
    /// The pairs (x, left) and (right, x) that lost weight, by key, each once, with their
    /// summed losses: their shard's owner looks them up (`PairShard.absorb`), once per shard
    /// rather than once per worker that touched them, and in parallel across shards.
    // Columns of columns, not arrays: the state holds no reference-counted storage, so moving
    // it in and out of its scratch (`MergeTrainer.rewriteBlocks`) and reading another
    // worker's changes retain nothing (a retain there bounced a count between the cores).
    private var vanishedKeys = ScratchColumn<ScratchColumn<UInt64>>()
    private var vanishedDeltas = ScratchColumn<ScratchColumn<Int64>>()
    /// Change to the merged pair's own count.
    var mergedDelta: Int64 = 0
    /// The pairs with the new token, in the order this worker first saw them.
    private var newPairs = ScratchColumn<ScratchColumn<NewPair>>()
    /// Their words, each pair's in one run.
    private var newPairWords = ScratchColumn<UInt32>()

    /// What this worker's share of a merge changed in one pair shard, as plain views, valid
    /// until the next merge: the shard's worker reads them with no reference counting (the
    /// other workers read theirs at the same time).
    struct ShardChanges {
        /// Change to the merged pair's own count (the same in every shard's view).
        let mergedDelta: Int64
        /// Keys of the shard's pairs (x, left) and (right, x) that lost weight, each once, and
        /// their losses; some may not be registered pairs (a key the shard does not know).
        let vanishedKeys: UnsafeBufferPointer<UInt64>
        let vanishedDeltas: UnsafeBufferPointer<Int64>
        /// The shard's pairs with the new token, in the order first seen.
        let newPairs: UnsafeBufferPointer<NewPair>
        fileprivate let newPairWords: ScratchColumn<UInt32>

        /// The words `pair` (one of `newPairs`) appeared in, ascending.
        func words(of pair: NewPair) -> UnsafeBufferPointer<UInt32> {
            newPairWords.elements(from: pair.wordsStart, count: pair.wordCount)
        }
    }

    /// This share's changes in `shard` (see `ShardChanges`).
    func changes(shard: Int) -> ShardChanges {
        ShardChanges(
            mergedDelta: mergedDelta, vanishedKeys: vanishedKeys[shard].usedElements,
            vanishedDeltas: vanishedDeltas[shard].usedElements, newPairs: newPairs[shard].usedElements,
            newPairWords: newPairWords)
    }

    /// The words `pair` (one of `newPairs`) appeared in, ascending; valid until the next merge.
    func words(of pair: NewPair) -> UnsafeBufferPointer<UInt32> {
        newPairWords.elements(from: pair.wordsStart, count: pair.wordCount)
    }

    // Tables indexed by token id, sized to the vocabulary. Invariant between merges: every
    // entry holds its empty value (-1 or 0) and every touched list is empty, so a merge
    // costs time for what it touches only.
    /// Index of (x, new) and (new, x) among the pairs seen, by x; -1 when not seen.
    private var endingInNew = ScratchColumn<Int32>()
    private var startingWithNew = ScratchColumn<Int32>()
    /// The weight lost by the pairs (x, left) and (right, x) that vanish, summed by x, so a
    /// pair is looked up once per merge rather than once per occurrence (a cache miss each
    /// in a map of millions of pairs); 0 exactly where x was not touched (every change is
    /// a negative weight, so a sum is never 0 once touched).
    private var vanishingBefore = ScratchColumn<Int64>()
    private var vanishingAfter = ScratchColumn<Int64>()
    private var touchedEnding = ScratchColumn<UInt32>()
    private var touchedStarting = ScratchColumn<UInt32>()
    private var touchedBefore = ScratchColumn<UInt32>()
    private var touchedAfter = ScratchColumn<UInt32>()

    // The pairs with the new token seen in this merge, by index (at most two per token).
    private var seenLeft = ScratchColumn<UInt32>()
    private var seenRight = ScratchColumn<UInt32>()
    private var seenCount = ScratchColumn<Int64>()
    /// The last word listed for each seen pair, and how many words it lists.
    private var seenLastWord = ScratchColumn<UInt32>()
    private var seenWords = ScratchColumn<Int32>()
    private var seenTotal = 0
    /// (seen index << 32 | word) for each word listed, in the order rewritten (ascending).
    private var listings = ScratchColumn<UInt64>()

    /// Makes room for token ids below `vocabularySize` and results for `shards` pair shards,
    /// and forgets the previous merge's results.
    /// - Complexity: O(shards) amortized (the tables double when the vocabulary outgrows them).
    mutating func reset(vocabularySize: Int, shards: Int) {
        while vanishedKeys.count < shards {
            vanishedKeys.append(ScratchColumn())
            vanishedDeltas.append(ScratchColumn())
            newPairs.append(ScratchColumn())
        }
        if endingInNew.capacity < vocabularySize {
            let tokens = Swift.max(vocabularySize, endingInNew.capacity * 2, 1024)
            endingInNew.grow(to: tokens, filling: -1)
            startingWithNew.grow(to: tokens, filling: -1)
            vanishingBefore.grow(to: tokens, filling: 0)
            vanishingAfter.grow(to: tokens, filling: 0)
            for column in [\State.touchedEnding, \.touchedStarting, \.touchedBefore, \.touchedAfter] {
                self[keyPath: column].grow(to: tokens, filling: 0)
            }
            seenLeft.grow(to: 2 * tokens, filling: 0)
            seenRight.grow(to: 2 * tokens, filling: 0)
            seenCount.grow(to: 2 * tokens, filling: 0)
            seenLastWord.grow(to: 2 * tokens, filling: 0)
            seenWords.grow(to: 2 * tokens, filling: 0)
        }
        for shard in 0..<shards {
            vanishedKeys[shard].count = 0
            vanishedDeltas[shard].count = 0
            newPairs[shard].count = 0
        }
        mergedDelta = 0
    }

    /// Records that the pair (`token`, left) lost `delta` (< 0) in a rewritten word.
    @inline(__always)
    mutating func addToVanishingBefore(_ token: UInt32, _ delta: Int64) {
        if vanishingBefore[Int(token)] == 0 { touchedBefore.append(token) }
        vanishingBefore[Int(token)] += delta
    }

    /// Records that the pair (right, `token`) lost `delta` (< 0) in a rewritten word.
    @inline(__always)
    mutating func addToVanishingAfter(_ token: UInt32, _ delta: Int64) {
        if vanishingAfter[Int(token)] == 0 { touchedAfter.append(token) }
        vanishingAfter[Int(token)] += delta
    }

    /// Adds `delta` to the new pair (left, right), one of which is `newToken`, listing `word`.
    @inline(__always)
    mutating func addToNew(_ left: UInt32, _ right: UInt32, _ delta: Int64, newToken: UInt32, listing word: UInt32?) {
        let other = left == newToken ? right : left
        let table = left == newToken ? startingWithNew : endingInNew
        var index = Int(table[Int(other)])
        if index < 0 {
            index = seenTotal
            seenTotal += 1
            table[Int(other)] = Int32(index)
            if left == newToken { touchedStarting.append(other) } else { touchedEnding.append(other) }
            seenLeft[index] = left
            seenRight[index] = right
            seenCount[index] = 0
            seenLastWord[index] = UInt32.max
            seenWords[index] = 0
        }
        seenCount[index] += delta
        if let word, seenLastWord[index] != word {
            seenLastWord[index] = word
            seenWords[index] += 1
            listings.append(UInt64(index) << 32 | UInt64(word))
        }
    }

    /// Ends this worker's share of the merge of (left, right) for `shards` pair shards: sorts
    /// the summed losses by their pair's shard (`vanishedKeys`/`vanishedDeltas`; no map is
    /// read here) and the pairs seen into `newPairs` of their shards with their words in
    /// `newPairWords`, then empties the tables for the next merge.
    /// - Complexity: O(distinct pairs touched + words listed).
    mutating func finish(left: UInt32, right: UInt32, shards: Int) {
        sortByShard(touchedBefore, vanishingBefore, shards: shards) { MergeTrainer.key($0, left) }
        sortByShard(touchedAfter, vanishingAfter, shards: shards) { MergeTrainer.key(right, $0) }
        touchedBefore.count = 0
        touchedAfter.count = 0
        // Each pair's words, in listing order (ascending), in one run of `newPairWords`;
        // `seenWords` becomes each pair's cursor.
        var start = 0
        for index in 0..<seenTotal {
            let words = Int(seenWords[index])
            let shard = PairShards.shard(of: MergeTrainer.key(seenLeft[index], seenRight[index]), among: shards)
            newPairs[shard].append(NewPair(
                left: seenLeft[index], right: seenRight[index], count: seenCount[index],
                wordsStart: start, wordCount: words))
            seenWords[index] = Int32(start)
            start += words
        }
        newPairWords.grow(to: listings.count, filling: 0)
        for listing in listings.usedElements {
            let index = Int(listing >> 32)
            newPairWords[Int(seenWords[index])] = UInt32(truncatingIfNeeded: listing)
            seenWords[index] += 1
        }
        for token in touchedEnding.usedElements { endingInNew[Int(token)] = -1 }
        for token in touchedStarting.usedElements { startingWithNew[Int(token)] = -1 }
        touchedEnding.count = 0
        touchedStarting.count = 0
        seenTotal = 0
        listings.count = 0
    }

    /// Records the pair `key(x)` of each touched x with its summed loss under its shard;
    /// leaves the sums at 0.
    private mutating func sortByShard(
        _ touched: ScratchColumn<UInt32>, _ sums: ScratchColumn<Int64>, shards: Int, key: (UInt32) -> UInt64
    ) {
        for token in touched.usedElements {
            let pair = key(token)
            let shard = PairShards.shard(of: pair, among: shards)
            vanishedKeys[shard].append(pair)
            vanishedDeltas[shard].append(sums[Int(token)])
            sums[Int(token)] = 0
        }
    }

    /// Frees the tables' memory; called once, by the owning scratch.
    func deallocate() {
        for column in vanishedKeys.usedElements { column.deallocate() }
        for column in vanishedDeltas.usedElements { column.deallocate() }
        for column in newPairs.usedElements { column.deallocate() }
        vanishedKeys.deallocate()
        vanishedDeltas.deallocate()
        newPairs.deallocate()
        endingInNew.deallocate()
        startingWithNew.deallocate()
        vanishingBefore.deallocate()
        vanishingAfter.deallocate()
        for column in [touchedEnding, touchedStarting, touchedBefore, touchedAfter] { column.deallocate() }
        for column in [seenLeft, seenRight, seenLastWord] { column.deallocate() }
        seenCount.deallocate()
        seenWords.deallocate()
        listings.deallocate()
        newPairWords.deallocate()
    }
}
}
