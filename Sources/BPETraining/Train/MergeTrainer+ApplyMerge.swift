import CPrefetch

extension MergeTrainer {
    /// Applies the merge (left, right) → `newToken` to the words listed for `merged` (id
    /// `merged` in shard `mergedShard`), then every shard at once absorbs what the
    /// rewrites recorded (`PairShard.absorb`): the merged pair leaves the heap and drops its
    /// list, the vanished pairs' counts fall, each live pair with `newToken` is registered
    /// and pushed, and each shard settles its top.
    ///
    /// The list is rewritten in blocks of `blockWords` words, which the workers
    /// take in turn from a shared counter as they finish the previous one (a list of one
    /// block is one worker's). Counts are sums and the workers rewrite disjoint words, so the
    /// result is the same for any number of workers and shards and any schedule: equal
    /// counts, and word lists of the same words, each once (in an order that depends on the
    /// schedule, which nothing reads: a list is a set of words to visit).
    /// - Complexity: O(total length of the listed words / workers) + O(pairs changed / shards).
    mutating func applyMerge(
        left: UInt32, right: UInt32, shard mergedShard: Int, pair merged: Int, into newToken: UInt32
    ) {
        // Held apart from the shard, which drops its own reference while absorbing.
        let held = shards[mergedShard].shard.heldWords(of: merged)
        let blockSize = blockWords
        let blocks = (held.count + blockSize - 1) / blockSize
        let active = scratches[..<max(1, min(scratches.count, blocks))]
        let vocabularySize = vocabulary.count
        let shards = self.shards
        for scratch in active { scratch.state.reset(vocabularySize: vocabularySize, shards: shards.count) }
        // The maps as they stand: no shard registers a pair before every rewrite is done.
        for index in shards.indices { lookups[index] = shards[index].shard.lookup() }
        let lookups = self.lookups
        let threshold = self.threshold
        let maxTokenLength = self.maxTokenLength
        nonisolated(unsafe) let vocabulary = self.vocabulary
        let absorb = { @Sendable (index: Int) in
            let merge = PairShard.Merged(
                left: left, right: right, newToken: newToken, id: index == mergedShard ? merged : -1)
            let changes = active.map { $0.state.changes(shard: index) }
            shards[index].shard.absorb(
                merge, changes: changes, vocabularySize: vocabularySize, threshold: threshold
            ) { left, right, count in
                Self.isLive(left, right, count: count, threshold: threshold, maxTokenLength: maxTokenLength,
                            vocabulary: vocabulary)
            }
        }
        let pool = self.workers
        let nextBlock = self.nextBlock
        nextBlock.value.store(0, ordering: .relaxed)  // published to the workers by `run`
        held.withWords { listed in
            words.withUnsafeMutableBufferPointer { buffer in
                // Workers write disjoint words and read the rest, and read the list.
                nonisolated(unsafe) let records = buffer.baseAddress!
                nonisolated(unsafe) let listed = listed
                let rewrite = { @Sendable (worker: Int) in
                    guard worker < active.count else { return }
                    var taken = false
                    Self.rewriteBlocks(
                        of: listed, in: records, left: left, right: right, newToken: newToken, lookups: lookups,
                        scratch: active[worker]
                    ) {
                        if active.count == 1 {
                            defer { taken = true }
                            return taken ? nil : 0..<listed.count
                        }
                        let block = nextBlock.value.add(1, ordering: .relaxed).oldValue
                        return block < blocks ? (block * blockSize)..<min(listed.count, (block + 1) * blockSize) : nil
                    }
                }
                if shards.count == 1 {
                    rewrite(0)
                    absorb(0)
                } else {
                    pool.run(shares: shards.count, rewrite, then: absorb)
                }
            }
        }
    }

    /// Rewrites with `scratch` the words `listed[range]` of each range `nextRange` gives until
    /// it gives nil, then finishes the scratch's record of the changes
    /// (`MergeScratch.State.finish`).
    private static func rewriteBlocks(
        of listed: UnsafeBufferPointer<UInt32>, in records: UnsafeMutablePointer<UInt32>,
        left: UInt32, right: UInt32, newToken: UInt32, lookups: [PairMap.Lookup], scratch: MergeScratch,
        nextRange: () -> Range<Int>?
    ) {
        var state = scratch.state
        scratch.state = MergeScratch.State()  // `state` is now the only owner: no copies
        defer { scratch.state = state }
        // A record (12 bytes of header, 4 per token) often spans two cache lines: fetch both.
        @inline(__always) func prefetch(_ record: UInt32) {
            bpe_prefetch(records + Int(record))
            bpe_prefetch(records + Int(record) + 15)
        }
        while let chunk = nextRange() {
            for index in chunk.prefix(prefetchDistance) { prefetch(listed[index]) }
            for index in chunk {
                if index + prefetchDistance < chunk.upperBound {
                    prefetch(listed[index + prefetchDistance])
                }
                rewrite(
                    word: Int(listed[index]), in: records, left: left, right: right,
                    newToken: newToken, scratch: &state)
            }
        }
        state.finish(left: left, right: right, maps: lookups)
    }

    /// Replaces, left to right and without overlap, each (left, right) in one word by
    /// `newToken`, recording in `scratch` how the word's weight moves: off the merged pair and
    /// the live pairs that vanish, onto the pairs with `newToken` that appear.
    ///
    /// The word keeps its place; its length shrinks and the freed tail is never read again.
    /// A word without the pair is left untouched (not even written back). Loop invariant:
    /// `records[start ..< start + written]` is the rewritten prefix and its changes are
    /// recorded; `read` is the next unread original position. Using the rewritten previous
    /// token makes chains like `a b a b` and `a a a a` exact.
    /// - Complexity: O(length of the word).
    @inline(__always)
    static func rewrite(
        word: Int, in records: UnsafeMutablePointer<UInt32>, left: UInt32, right: UInt32,
        newToken: UInt32, scratch: inout MergeScratch.State
    ) {
        let start = word + headerSize
        let length = Int(records[word + 2])
        let weight = Int64(records[word]) | Int64(records[word + 1]) << 32
        let wordID = UInt32(word)
        // Up to the first occurrence the word stays as it is: a word that no longer holds the
        // pair (a third of the words listed) is only read, so its cache lines stay clean.
        var read = 0
        while read + 1 < length && (records[start + read] != left || records[start + read + 1] != right) {
            read += 1
        }
        if read + 1 >= length { return }
        var written = read
        while read < length {
            let token = records[start + read]
            if token == left && read + 1 < length && records[start + read + 1] == right {
                if written > 0 {
                    let previous = records[start + written - 1]
                    if previous == newToken {
                        // (newToken, left) appeared at the previous replacement in this word.
                        scratch.addToNew(newToken, left, -weight, newToken: newToken, listing: nil)
                    } else {
                        scratch.addToVanishingBefore(previous, -weight)
                    }
                    scratch.addToNew(previous, newToken, weight, newToken: newToken, listing: wordID)
                }
                scratch.mergedDelta -= weight
                if read + 2 < length {
                    let next = records[start + read + 2]
                    scratch.addToVanishingAfter(next, -weight)
                    scratch.addToNew(newToken, next, weight, newToken: newToken, listing: wordID)
                }
                records[start + written] = newToken
                written += 1
                read += 2
            } else {
                records[start + written] = token
                written += 1
                read += 1
            }
        }
        records[word + 2] = UInt32(written)
    }
}
