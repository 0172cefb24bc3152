import CPrefetch

extension MergeTrainer {
    /// Applies the merge (left, right) → `newToken` to the words listed for `merged`
    /// (ascending), shared among `workers` scratches in contiguous chunks, then drops that list
    /// and adds up what the rewrites recorded: the vanished pairs' counts fall, and each pair
    /// with `newToken` that is live is registered and pushed. The changes are applied in chunk
    /// order, so the result is the same for any number of workers: equal counts, and word
    /// lists joined in ascending order.
    /// - Complexity: O(total length of the listed words / workers) + O(pairs changed).
    mutating func applyMerge(left: UInt32, right: UInt32, pair merged: Int, into newToken: UInt32, workers: Int) {
        let active = scratches[..<workers]
        let vocabularySize = vocabulary.count
        for scratch in active { scratch.state.reset(vocabularySize: vocabularySize) }
        pairWords.withWords(of: merged) { listed in
            words.withUnsafeMutableBufferPointer { buffer in
                Self.rewriteChunks(
                    listed: listed, records: buffer.baseAddress!, left: left, right: right,
                    newToken: newToken, pairIDs: pairIDs, scratches: active, workers: self.workers)
            }
        }
        pairWords.drop(merged)
        // The workers' copies of `pairIDs` are gone: registering below does not copy the map.
        for scratch in active {
            pairCount[merged] += scratch.state.mergedDelta
            let ids = scratch.state.existingIDs
            let deltas = scratch.state.existingDeltas
            pairCount.withUnsafeMutableBufferPointer { counts in
                for index in ids.indices {
                    if index + Self.prefetchDistance < ids.count {
                        bpe_prefetch(counts.baseAddress! + Int(ids[index + Self.prefetchDistance]))
                    }
                    counts[Int(ids[index])] += deltas[index]
                }
            }
        }
        if active.count == 1 {
            let state = active[active.startIndex].state
            let newPairs = state.newPairs
            for (index, pair) in newPairs.enumerated() {
                prefetchPairSlots(of: newPairs, aheadOf: index)
                guard isLive(pair.left, pair.right, count: pair.count) else { continue }
                heap.insert(register(pair.left, pair.right, count: pair.count))
                pairWords.append(state.words(of: pair))
            }
        } else {
            registerCombinedNewPairs(active, newToken: newToken)
        }
    }

    /// Registering a new pair misses the cache in the pair map, so while `pairs[index]` is
    /// registered the slot of the pair `prefetchDistance` ahead is fetched (at index 0, the
    /// first `prefetchDistance` too: most merges register fewer than twice that many).
    @inline(__always)
    private func prefetchPairSlots(of pairs: [MergeScratch.State.NewPair], aheadOf index: Int) {
        if index == 0 {
            for pair in pairs.prefix(Self.prefetchDistance) { pairIDs.prefetch(Self.key(pair.left, pair.right)) }
        }
        if index + Self.prefetchDistance < pairs.count {
            let ahead = pairs[index + Self.prefetchDistance]
            pairIDs.prefetch(Self.key(ahead.left, ahead.right))
        }
    }

    /// Registers and pushes each live pair with `newToken` that the scratches saw, once:
    /// counts added, word lists joined in scratch order (so they stay ascending), in the
    /// order first seen. Pairs are found by their other token in two token-indexed tables,
    /// reset before returning.
    /// - Complexity: O(pairs seen + words listed).
    private mutating func registerCombinedNewPairs(_ scratches: ArraySlice<MergeScratch>, newToken: UInt32) {
        if combinedEnding.count < vocabulary.count {
            let missing = max(vocabulary.count, 2 * combinedEnding.count) - combinedEnding.count
            combinedEnding.append(contentsOf: repeatElement(-1, count: missing))
            combinedStarting.append(contentsOf: repeatElement(-1, count: missing))
        }
        // Each distinct pair with its summed count and number of words, and for each
        // scratch's pair in turn, which of them it is.
        var combined: [MergeScratch.State.NewPair] = []
        var combinedIndex: [Int32] = []
        for scratch in scratches {
            for pair in scratch.state.newPairs {
                let startsWithNew = pair.left == newToken
                let other = Int(startsWithNew ? pair.right : pair.left)
                let existing = startsWithNew ? combinedStarting[other] : combinedEnding[other]
                if existing >= 0 {
                    combined[Int(existing)].count += pair.count
                    combined[Int(existing)].wordCount += pair.wordCount
                    combinedIndex.append(existing)
                } else {
                    let index = Int32(combined.count)
                    if startsWithNew { combinedStarting[other] = index } else { combinedEnding[other] = index }
                    combined.append(pair)
                    combinedIndex.append(index)
                }
            }
        }
        for pair in combined {
            if pair.left == newToken { combinedStarting[Int(pair.right)] = -1 } else { combinedEnding[Int(pair.left)] = -1 }
        }
        // Each live pair's id, and how many of its words are written; -1 for pairs not registered.
        var ids = [Int](repeating: -1, count: combined.count)
        var written = [Int](repeating: 0, count: combined.count)
        for (index, pair) in combined.enumerated() {
            prefetchPairSlots(of: combined, aheadOf: index)
            guard isLive(pair.left, pair.right, count: pair.count) else { continue }
            heap.insert(register(pair.left, pair.right, count: pair.count))
            ids[index] = pairWords.reserve(pair.wordCount)
        }
        var position = 0
        for scratch in scratches {
            for pair in scratch.state.newPairs {
                let index = Int(combinedIndex[position])
                position += 1
                guard ids[index] >= 0 else { continue }
                let words = scratch.state.words(of: pair)
                pairWords.write(words, to: ids[index], at: written[index])
                written[index] += words.count
            }
        }
    }

    /// Each scratch rewrites its contiguous chunk of `listed`, in parallel when there are several.
    private static func rewriteChunks(
        listed: UnsafeBufferPointer<UInt32>, records: UnsafeMutablePointer<UInt32>, left: UInt32, right: UInt32,
        newToken: UInt32, pairIDs: PairMap, scratches: ArraySlice<MergeScratch>, workers pool: MergeWorkers
    ) {
        // Workers write disjoint words and read the rest, and read the list.
        nonisolated(unsafe) let records = records
        nonisolated(unsafe) let listed = listed
        let workers = scratches.count
        let work = { @Sendable (worker: Int) in
            let chunk = (listed.count * worker / workers)..<(listed.count * (worker + 1) / workers)
            let scratch = scratches[scratches.startIndex + worker]
            var state = scratch.state
            scratch.state = MergeScratch.State()  // `state` is now the only owner: no copies
            defer { scratch.state = state }
            // A record (12 bytes of header, 4 per token) often spans two cache lines: fetch both.
            @inline(__always) func prefetch(_ record: UInt32) {
                bpe_prefetch(records + Int(record))
                bpe_prefetch(records + Int(record) + 15)
            }
            for index in chunk.prefix(prefetchDistance) { prefetch(listed[index]) }
            for index in chunk {
                if index + prefetchDistance < chunk.upperBound {
                    prefetch(listed[index + prefetchDistance])
                }
                rewrite(
                    word: Int(listed[index]), in: records, left: left, right: right,
                    newToken: newToken, scratch: &state)
            }
            state.finish(left: left, right: right, pairIDs: pairIDs)
        }
        pool.run(shares: workers, work)
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
