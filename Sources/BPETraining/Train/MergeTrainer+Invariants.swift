extension MergeTrainer {
    /// Checks, by recounting from scratch, what the incremental merge loop keeps:
    /// - the word records tile `words` exactly, each with a positive count and a non-empty
    ///   token list, and there are `wordTotal` of them;
    /// - in each shard, the pair map, counts and word lists agree on the registered pairs (one
    ///   id each), and every pair is registered in the shard its key falls to;
    /// - every pair counted at least `threshold` and `untrackedBelow` times that is not too
    ///   long to merge is registered (tracked: `PairTracking`), and every such pair counted
    ///   at least `threshold` times that is not is kept untracked in one shard, with a count
    ///   at least its true one;
    /// - every registered pair's count equals its true count in the words now;
    /// - a registered pair whose word list is still kept lists, each once, every word that
    ///   holds it now;
    /// - the heap and the deferred pairs together hold exactly one entry for every pair that
    ///   may still be chosen (registered, counted at least `threshold` times, its bytes not yet
    ///   a token), and none for a pair that is not registered; a heap entry's stored count is
    ///   at least the true count, a deferred pair's true count is below its shard's floor;
    ///   each shard's top entry holds its pair's true count, at least the floor unless nothing
    ///   is deferred.
    /// Traps (`precondition`) on the first violation. Tests call it through `MergeLearner`;
    /// release builds keep no record starts and check nothing.
    /// - Complexity: O(total tokens + registered pairs · log(heap)).
    func _checkInvariants() {
        #if DEBUG
        precondition(recordStarts.count == wordTotal, "\(recordStarts.count) word records, \(wordTotal) counted")
        var trueCounts: [UInt64: (count: Int64, words: Set<UInt32>)] = [:]
        let recordStarts = self.recordStarts.sorted()
        for (index, start) in recordStarts.enumerated() {
            let record = Int(start)
            let end = index + 1 < recordStarts.count ? Int(recordStarts[index + 1]) : words.count
            let count = Int64(words[record]) | Int64(words[record + 1]) << 32
            let length = Int(words[record + 2])
            precondition(count > 0 && length >= 1, "word record at \(record) has count \(count), length \(length)")
            precondition(record + Self.headerSize + length <= end, "word record at \(record) runs into the next")
            for position in 0..<(length - 1) {
                let key = Self.key(words[record + Self.headerSize + position], words[record + Self.headerSize + position + 1])
                trueCounts[key, default: (0, [])].count += count
                trueCounts[key, default: (0, [])].words.insert(start)
            }
        }
        // Each registered pair: its shard and its id there.
        var registered: [UInt64: (shard: Int, id: Int)] = [:]
        var chosen: [UInt64: Int64] = [:]
        for (index, box) in shards.enumerated() {
            let shard = box.shard
            shard.ids._checkInvariants()
            precondition(shard.ids.count == shard.counts.count && shard.counts.count == shard.words.count,
                         "shard \(index): pair map \(shard.ids.count), counts \(shard.counts.count), word lists \(shard.words.count)")
            var ids = Set<Int>()
            shard.ids.forEach { key, id in
                precondition(self.shard(of: key) == index, "pair \(key) registered in shard \(index)")
                registered[key] = (index, Int(id))
                ids.insert(Int(id))
            }
            precondition(ids.count == shard.counts.count, "pair ids of shard \(index) are not one per pair")
            shard.heap._checkInvariants()
            if let top = shard.heap.top {
                let id = Int(shard.ids.liveID(for: Self.key(top.left, top.right)))
                precondition(id >= 0 && shard.counts[id] == top.count, "the top of shard \(index) is not settled")
                precondition(top.count >= shard.deferred.floor || shard.deferred.count == 0,
                             "the top of shard \(index) is below the deferred pairs' floor")
            } else {
                precondition(shard.deferred.count == 0, "shard \(index) has an empty heap and deferred pairs")
            }
            let held = shard.deferred.all
            precondition(held.count == shard.deferred.count, "shard \(index) holds \(held.count) deferred pairs, counted \(shard.deferred.count)")
            for pair in held {
                let key = Self.key(pair.left, pair.right)
                precondition(Int(shard.ids.liveID(for: key)) == Int(pair.id), "deferred pair \(key) is not registered as \(pair.id)")
                precondition(shard.counts[Int(pair.id)] < shard.deferred.floor, "deferred pair \(key) reaches the floor")
                precondition(chosen.updateValue(0, forKey: key) == nil, "pair \(key) is both deferred and in the heap, or deferred twice")
            }
            for entry in shard.heap.unordered {
                let key = Self.key(entry.left, entry.right)
                let id = Int(shard.ids.liveID(for: key))
                precondition(id >= 0, "heap entry for an unregistered pair")
                precondition(chosen.updateValue(entry.count, forKey: key) == nil, "two heap entries for pair \(key)")
                precondition(entry.count >= shard.counts[id], "heap entry of pair \(key) is below its true count")
            }
        }
        // Every pair that may be merged and is counted `untrackedBelow` times or more is
        // tracked; one counted `threshold` times or more that is not is kept untracked, in its
        // shard, with a count at least its true one.
        var untracked: [UInt64: Int64] = [:]
        for box in shards {
            for (key, count) in zip(box.shard.untrackedKeys, box.shard.untrackedCounts) {
                precondition(untracked.updateValue(count, forKey: key) == nil, "pair \(key) kept untracked twice")
                precondition(registered[key] == nil, "pair \(key) kept untracked is registered")
            }
        }
        for (key, truth) in trueCounts where registered[key] == nil && truth.count >= threshold {
            let left = UInt32(truncatingIfNeeded: key >> 32)
            let right = UInt32(truncatingIfNeeded: key)
            if maxTokenLength != Int.max && vocabulary.length(left) + vocabulary.length(right) > maxTokenLength { continue }
            precondition(truth.count < untrackedBelow,
                         "pair \(left),\(right) counted \(truth.count) times is not tracked (untracked below \(untrackedBelow))")
            precondition((untracked[key] ?? 0) >= truth.count,
                         "pair \(left),\(right) counted \(truth.count) times is not kept untracked with at least that count")
        }
        for (key, place) in registered {
            let shard = shards[place.shard].shard
            let count = shard.counts[place.id]
            let truth = trueCounts[key] ?? (0, [])
            precondition(count == truth.count,
                         "pair \(key >> 32),\(key & 0xFFFF_FFFF): count \(count), true count \(truth.count)")
            let listed = shard.words.withWords(of: place.id) { Array($0) }
            let listedSet = Set(listed)
            precondition(listedSet.count == listed.count, "word list of pair \(key) lists a word twice")
            if !listed.isEmpty {
                precondition(truth.words.isSubset(of: listedSet), "pair \(key) does not list every word holding it")
            }
            if count >= threshold {
                let left = UInt32(truncatingIfNeeded: key >> 32)
                let right = UInt32(truncatingIfNeeded: key)
                if vocabulary.contains(vocabulary.concatenation(left, right)) { continue }
                precondition(chosen[key] != nil, "pair \(key) may be chosen but has no heap entry")
            }
        }
        #endif
    }
}
