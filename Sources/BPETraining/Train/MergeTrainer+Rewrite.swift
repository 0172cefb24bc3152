import CPrefetch

extension MergeTrainer {
    /// Rewrites with `scratch` the words `listed[range]` of each range `nextRange` gives until
    /// it gives nil (each range taken a few words before the previous one is done), then
    /// finishes the scratch's record of the changes for `shards` pair shards
    /// (`MergeScratch.State.finish`).
    static func rewriteBlocks(
        of listed: UnsafeBufferPointer<UInt32>, in records: UnsafeMutablePointer<UInt32>,
        left: UInt32, right: UInt32, newToken: UInt32, shards: Int, scratch: MergeScratch,
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
        // The next range is taken `prefetchDistance` words before the current one ends, so
        // that its first words are fetched while the current one's last are rewritten: the
        // prefetch runs on across ranges instead of starting cold at each block.
        var chunk = nextRange()
        if let first = chunk { for index in first.prefix(prefetchDistance) { prefetch(listed[index]) } }
        while let current = chunk {
            var following: Range<Int>?
            var tookFollowing = false
            for index in current {
                let ahead = index + prefetchDistance
                if ahead < current.upperBound {
                    prefetch(listed[ahead])
                } else {
                    if !tookFollowing {
                        following = nextRange()
                        tookFollowing = true
                    }
                    if let following, following.lowerBound + (ahead - current.upperBound) < following.upperBound {
                        prefetch(listed[following.lowerBound + (ahead - current.upperBound)])
                    }
                }
                rewrite(
                    word: Int(listed[index]), in: records, left: left, right: right,
                    newToken: newToken, scratch: &state)
            }
            chunk = tookFollowing ? following : nextRange()
        }
        state.finish(left: left, right: right, shards: shards)
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
