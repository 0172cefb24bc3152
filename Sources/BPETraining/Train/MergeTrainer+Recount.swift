extension MergeTrainer {
    /// One worker's part of a recount (`recountUntracked`): each pair its words hold that no
    /// shard tracks, with its count there and the words holding it, each once.
    final class UntrackedPairs: @unchecked Sendable {
        var keys: [UInt64] = []
        var counts: [Int64] = []
        var lists: [[UInt32]] = []
    }

    /// Step 1 of a recount, one worker's share: counts every pair of the words whose records
    /// start at `starts` that no shard has registered (`lookups`, one per shard, read only:
    /// nobody registers a pair meanwhile), into `result`.
    /// - Complexity: O(tokens of the words) expected, one shard lookup per distinct pair.
    static func countUntracked(
        records: UnsafePointer<UInt32>, starts: UnsafeBufferPointer<UInt32>, lookups: [PairMap.Lookup],
        into result: UntrackedPairs
    ) {
        var map = PairMap()
        var keys: [UInt64] = []
        var counts: [Int64] = []
        var lists: [[UInt32]] = []
        var lastListed: [UInt32] = []
        for start in starts {
            let record = Int(start)
            let weight = Int64(records[record]) | Int64(records[record + 1]) << 32
            let first = record + headerSize
            let length = Int(records[record + 2])
            for position in first..<(first + length - 1) {
                let key = Self.key(records[position], records[position + 1])
                let next = Int32(keys.count)
                let index = Int(map.id(for: key) { next })
                if index == keys.count {
                    keys.append(key)
                    // A tracked pair is marked with -1 and not counted here: its count is kept.
                    let tracked = lookups[PairShards.shard(of: key, among: lookups.count)].liveID(for: key) >= 0
                    counts.append(tracked ? -1 : 0)
                    lists.append([])
                    lastListed.append(UInt32.max)
                }
                guard counts[index] >= 0 else { continue }
                counts[index] += weight
                if lastListed[index] != start {
                    lastListed[index] = start
                    lists[index].append(start)
                }
            }
        }
        result.keys = keys
        result.counts = counts
        result.lists = lists
    }
}

extension PairShard {
    /// Step 2 of a recount, for this shard: registers each pair of this shard that the
    /// workers' parts (`parts`) counted, with its counts added and its lists joined, if it
    /// may be merged (`isLive`); then settles the top. A pair is counted by no worker if a
    /// shard tracks it, so none is registered twice.
    /// - Complexity: O(pairs counted + words listed).
    mutating func registerRecounted(
        _ parts: [MergeTrainer.UntrackedPairs], shard: Int, shards: Int, threshold: Int64,
        isLive: (UInt32, UInt32, Int64) -> Bool
    ) {
        var combined = PairMap()
        var keys: [UInt64] = []
        var counts: [Int64] = []
        var lists: [[UInt32]] = []
        for part in parts {
            for position in part.keys.indices where part.counts[position] >= 0 {
                let key = part.keys[position]
                guard PairShards.shard(of: key, among: shards) == shard else { continue }
                let next = Int32(keys.count)
                let index = Int(combined.id(for: key) { next })
                if index == keys.count {
                    keys.append(key)
                    counts.append(0)
                    lists.append([])
                }
                counts[index] += part.counts[position]
                lists[index].append(contentsOf: part.lists[position])
            }
        }
        for index in keys.indices {
            let left = UInt32(truncatingIfNeeded: keys[index] >> 32)
            let right = UInt32(truncatingIfNeeded: keys[index])
            guard isLive(left, right, counts[index]) else { continue }
            register(left, right, count: counts[index])
            lists[index].withUnsafeBufferPointer { words.append($0) }
        }
        settleTop(threshold: threshold)
    }
}
