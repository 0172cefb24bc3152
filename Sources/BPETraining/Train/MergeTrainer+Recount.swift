/// One shard's candidates in a recount of untracked pairs (`PairTracking`; the merge loop's
/// `recount`): their keys, and a map from key to index in `keys`. Written by the shard's
/// owner before the count, then only read.
///
/// A recount has three steps, separated by barriers: each shard's owner takes out of its
/// untracked pairs those last counted at least the new bound (`PairShard.takeUntracked`);
/// each worker counts every shard's candidates in its share of the words
/// (`MergeTrainer.countCandidates`); each owner registers its candidates still counted at
/// least the bound, and keeps the others untracked with their true counts
/// (`PairShard.registerRecounted`). The words are read once, but only the candidates are
/// looked up (in small maps), counted and listed: recounting every pair of mixed-1g's words
/// instead took 2 s at one thread.
final class RecountCandidates: @unchecked Sendable {
    var keys: [UInt64] = []
    /// Of one slot between recounts (a default map is 1.4 MiB, one per shard and loop).
    var map = PairMap(minimumCapacity: 1)
}

/// One worker's count of every shard's candidates in its share of the words: by shard, then
/// candidate index, the weight and the words holding it (each once).
final class CandidateCounts: @unchecked Sendable {
    var counts: [[Int64]] = []
    var lists: [[[UInt32]]] = []
}

extension PairShard {
    /// Step 1: moves the untracked pairs last counted at least `bound` times into
    /// `candidates`, and keeps the others untracked.
    /// - Complexity: O(untracked pairs).
    mutating func takeUntracked(atLeast bound: Int64, into candidates: RecountCandidates) {
        candidates.keys = []
        candidates.map = PairMap(minimumCapacity: untrackedCounts.reduce(0) { $0 + ($1 >= bound ? 1 : 0) })
        var keptKeys: [UInt64] = []
        var keptCounts: [Int64] = []
        for (key, count) in zip(untrackedKeys, untrackedCounts) {
            if count >= bound {
                let next = Int32(candidates.keys.count)
                _ = candidates.map.id(for: key) { next }
                candidates.keys.append(key)
            } else {
                keptKeys.append(key)
                keptCounts.append(count)
            }
        }
        untrackedKeys = keptKeys
        untrackedCounts = keptCounts
    }

    /// Step 3: registers each candidate of this shard (`shard`) that the workers' counts
    /// (`parts`) put at `bound` or more, with its lists joined; keeps the others that still
    /// reach `threshold` untracked, with their true counts; settles the top.
    /// - Complexity: O(candidates · workers + words listed).
    mutating func registerRecounted(
        _ candidates: RecountCandidates, counted parts: [CandidateCounts], shard: Int, bound: Int64, threshold: Int64
    ) {
        for (index, key) in candidates.keys.enumerated() {
            let count = parts.reduce(0) { $0 + $1.counts[shard][index] }
            if count >= bound {
                register(UInt32(truncatingIfNeeded: key >> 32), UInt32(truncatingIfNeeded: key), count: count)
                let list = parts.flatMap { $0.lists[shard][index] }
                list.withUnsafeBufferPointer { words.append($0) }
            } else if count >= threshold {
                untrackedKeys.append(key)
                untrackedCounts.append(count)
            }
        }
        candidates.keys = []
        candidates.map = PairMap(minimumCapacity: 1)
        settleTop(threshold: threshold)
    }
}

extension MergeTrainer {
    /// Step 2, one worker's share: counts each shard's candidates in the words whose
    /// records start at `starts`, into `result`.
    /// - Complexity: O(tokens of the words), one lookup in a candidate map per pair.
    static func countCandidates(
        records: UnsafePointer<UInt32>, starts: UnsafeBufferPointer<UInt32>, candidates: [RecountCandidates],
        into result: CandidateCounts
    ) {
        let lookups = candidates.map { $0.map.lookup }
        var counts = candidates.map { [Int64](repeating: 0, count: $0.keys.count) }
        var lists = candidates.map { [[UInt32]](repeating: [], count: $0.keys.count) }
        var lastListed = candidates.map { [UInt32](repeating: UInt32.max, count: $0.keys.count) }
        if candidates.contains(where: { !$0.keys.isEmpty }) {
            for start in starts {
                let record = Int(start)
                let weight = Int64(records[record]) | Int64(records[record + 1]) << 32
                let first = record + headerSize
                let length = Int(records[record + 2])
                for position in first..<(first + length - 1) {
                    let key = Self.key(records[position], records[position + 1])
                    let shard = PairShards.shard(of: key, among: lookups.count)
                    let index = Int(lookups[shard].liveID(for: key))
                    guard index >= 0 else { continue }
                    counts[shard][index] += weight
                    if lastListed[shard][index] != start {
                        lastListed[shard][index] = start
                        lists[shard][index].append(start)
                    }
                }
            }
        }
        result.counts = counts
        result.lists = lists
    }
}
