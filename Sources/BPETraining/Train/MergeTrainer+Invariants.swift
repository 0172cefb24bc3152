extension MergeTrainer {
    /// Checks, by recounting from scratch, what the incremental merge loop keeps:
    /// - the word records tile `words` exactly, each with a positive count and a non-empty
    ///   token list, and there are `wordTotal` of them;
    /// - `pairIDs`, `pairCount` and `pairWords` agree on the registered pairs (one id each);
    /// - every registered pair's count equals its true count in the words now;
    /// - a registered pair whose word list is still kept lists (ascending) every word that
    ///   holds it now;
    /// - the heap holds exactly one entry for every pair that may still be chosen (registered,
    ///   counted at least `threshold` times, its bytes not yet a token), whose stored count is
    ///   at least the true count, and no entry for a pair that is not registered.
    /// Traps (`precondition`) on the first violation. Tests call it through `MergeLearner`;
    /// release builds keep no record starts and check nothing.
    /// - Complexity: O(total tokens + registered pairs · log(heap)).
    func _checkInvariants() {
        #if DEBUG
        precondition(recordStarts.count == wordTotal, "\(recordStarts.count) word records, \(wordTotal) counted")
        var trueCounts: [UInt64: (count: Int64, words: Set<UInt32>)] = [:]
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
        pairIDs._checkInvariants()
        precondition(pairIDs.count == pairCount.count && pairCount.count == pairWords.count,
                     "pair map \(pairIDs.count), counts \(pairCount.count), word lists \(pairWords.count)")
        var registered: [UInt64: Int] = [:]
        pairIDs.forEach { key, id in registered[key] = Int(id) }
        precondition(registered.count == pairCount.count, "pair ids are not one per pair")
        for (key, id) in registered {
            let truth = trueCounts[key] ?? (0, [])
            precondition(pairCount[id] == truth.count,
                         "pair \(key >> 32),\(key & 0xFFFF_FFFF): count \(pairCount[id]), true count \(truth.count)")
            let listed = pairWords.withWords(of: id) { Array($0) }
            precondition(zip(listed, listed.dropFirst()).allSatisfy { $0 < $1 }, "word list of pair \(id) not ascending")
            if !listed.isEmpty {
                let listedSet = Set(listed)
                precondition(truth.words.isSubset(of: listedSet), "pair \(id) does not list every word holding it")
            }
        }

        heap._checkInvariants()
        var entries: [UInt64: Int64] = [:]
        for entry in heap.unordered {
            let key = Self.key(entry.left, entry.right)
            guard let id = registered[key] else { preconditionFailure("heap entry for an unregistered pair") }
            precondition(entries.updateValue(entry.count, forKey: key) == nil, "two heap entries for pair \(id)")
            precondition(entry.count >= pairCount[id], "heap entry of pair \(id) is below its true count")
        }
        for (key, id) in registered where pairCount[id] >= threshold {
            let left = UInt32(truncatingIfNeeded: key >> 32)
            let right = UInt32(truncatingIfNeeded: key)
            if vocabulary.contains(vocabulary.concatenation(left, right)) { continue }
            precondition(entries[key] != nil, "pair \(id) may be chosen but has no heap entry")
        }
        #endif
    }
}
