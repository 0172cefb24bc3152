import CPrefetch
import Dispatch

extension MergeTrainer {
    /// `applyMerge` over the words `listed` (ascending), split into contiguous chunks, one per
    /// scratch, rewritten in parallel. Workers only read the shared pair tables and record the
    /// count changes in their `MergeScratch`; the changes are then applied in chunk order, so
    /// every count and every word list (the chunks' lists concatenated: still ascending) ends
    /// exactly as the serial loop leaves it.
    /// - Complexity: O(total length of the listed words / workers) + O(pairs changed).
    mutating func applyMergeInParallel(
        left: UInt32, right: UInt32, pair merged: Int, into newToken: UInt32,
        listed: [UInt32], scratches: [MergeScratch]
    ) {
        let vocabularySize = vocabulary.count
        for scratch in scratches { scratch.state.reset(vocabularySize: vocabularySize) }
        words.withUnsafeMutableBufferPointer { buffer in
            Self.rewriteChunks(
                listed: listed, records: buffer.baseAddress!, left: left, right: right,
                newToken: newToken, pairIDs: pairIDs, scratches: scratches)
        }
        // The workers' copies of `pairIDs` are gone: inserting below does not copy the map.
        for scratch in scratches {
            pairCount[merged] += scratch.state.mergedDelta
            let ids = scratch.state.existingIDs
            let deltas = scratch.state.existingDeltas
            for index in ids.indices {
                if index + Self.prefetchDistance < ids.count {
                    pairCount.withUnsafeBufferPointer { bpe_prefetch($0.baseAddress! + Int(ids[index + Self.prefetchDistance])) }
                }
                pairCount[Int(ids[index])] += deltas[index]
            }
        }
        for scratch in scratches {
            for newPair in scratch.state.newPairs {
                let id = Int(pairID(newPair.left, newPair.right))
                pairCount[id] += newPair.count
                if let last = newPair.words.last {
                    pairWords[id].append(contentsOf: newPair.words)
                    pairLastWord[id] = last
                }
            }
        }
    }

    /// Phase one: each worker rewrites its contiguous chunk of `listed`.
    private static func rewriteChunks(
        listed: [UInt32], records: UnsafeMutablePointer<UInt32>, left: UInt32, right: UInt32,
        newToken: UInt32, pairIDs: PairMap, scratches: [MergeScratch]
    ) {
        // Workers write disjoint words and read the rest.
        nonisolated(unsafe) let records = records
        let workers = scratches.count
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let chunk = (listed.count * worker / workers)..<(listed.count * (worker + 1) / workers)
            let scratch = scratches[worker]
            var state = scratch.state
            scratch.state = MergeScratch.State()  // `state` is now the only owner: no copies
            defer { scratch.state = state }
            for index in chunk {
                if index + prefetchDistance < chunk.upperBound {
                    bpe_prefetch(records + Int(listed[index + prefetchDistance]))
                }
                rewrite(
                    word: Int(listed[index]), in: records, left: left, right: right,
                    newToken: newToken, pairIDs: pairIDs, scratch: &state)
            }
        }
    }

    /// `applyMerge` for one word, recording count changes in `scratch` instead of applying
    /// them. Pairs that existed before the merge are only looked up, never inserted.
    @inline(__always)
    static func rewrite(
        word: Int, in records: UnsafeMutablePointer<UInt32>, left: UInt32, right: UInt32,
        newToken: UInt32, pairIDs: PairMap, scratch: inout MergeScratch.State
    ) {
        let start = word + headerSize
        let length = Int(records[word + 2])
        let weight = Int64(records[word]) | Int64(records[word + 1]) << 32
        let wordID = UInt32(word)
        var read = 0
        var written = 0
        while read < length {
            let token = records[start + read]
            if token == left && read + 1 < length && records[start + read + 1] == right {
                if written > 0 {
                    let previous = records[start + written - 1]
                    if previous == newToken {
                        scratch.addToNew(newToken, left, -weight, newToken: newToken, listing: nil)
                    } else {
                        scratch.addToExisting(pairIDs.existingID(for: key(previous, left)), -weight)
                    }
                    scratch.addToNew(previous, newToken, weight, newToken: newToken, listing: wordID)
                }
                scratch.mergedDelta -= weight
                if read + 2 < length {
                    let next = records[start + read + 2]
                    scratch.addToExisting(pairIDs.existingID(for: key(right, next)), -weight)
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
