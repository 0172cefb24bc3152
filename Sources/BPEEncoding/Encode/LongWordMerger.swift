@_spi(Plumbing) import BPECore

/// `BytePairMerger` for long words: the same merges in the same order as tiktoken's
/// `byte_pair_merge` (always the adjacent pair of parts whose concatenation has the lowest
/// rank, the leftmost on a tie), in O(n log n) time and about 4.5 bytes of memory per byte
/// of the word, so that a word of hundreds of megabytes (one long run) stays within a few
/// times its size.
///
/// State: `pairRank[s]` is, for each part start s, the rank of the part at s joined with the
/// next (`noPair` if that is no token or s starts the last part); `notStart` marks offsets
/// inside a part, so part boundaries need no list of their own (the next start is the next
/// entry that is not `notStart`; parts are tokens, so that scan is as long as a token).
/// Over blocks of 64 offsets, a segment tree holds each block's lowest (rank, block) with the
/// offset of its leftmost lowest entry: the root names the next merge.
/// Owned by one worker: it keeps its scratch between words (released after a huge one).
final class LongWordMerger {
    /// Offsets per block of the tree's leaves.
    static let blockSize = 64
    static let notStart = TokenID.max
    static let noPair = TokenID.max - 1
    /// Scratch larger than this (offsets) is released after the word that needed it.
    static let keptCapacity = 1 << 22

    private var capacity = 0
    private var pairRank = UnsafeMutablePointer<TokenID>.allocate(capacity: 1)
    private var blockCapacity = 0
    /// Per block, the offset (0..<64) of its leftmost lowest `pairRank`.
    private var lowestOffset = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    /// Implicit segment tree over the blocks (`leaves` of them, a power of two): node i has
    /// children 2i and 2i+1; a node holds rank << 32 | block of the lowest below it.
    private var tree = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
    private var leaves = 1

    deinit {
        pairRank.deallocate()
        lowestOffset.deallocate()
        tree.deallocate()
    }

    /// Appends the ranks of the tokens of `word[0..<length]` (length ≥ 2, every byte a token,
    /// length < 2^32 · 64).
    /// - Complexity: O(n log n) time (a merge costs a tree update and scans as long as the
    ///   tokens it joins), about 4.5n bytes of scratch.
    func merge(_ word: UnsafePointer<UInt8>, length n: Int, table: RankTable, into output: inout [TokenID]) {
        reserve(n)
        defer { if capacity > Self.keptCapacity { shrink() } }
        for s in 0..<n {
            let rank = s + 1 < n ? table.rank2(word + s) : .none
            pairRank[s] = rank == .none ? Self.noPair : rank
        }
        let blocks = (n + Self.blockSize - 1) / Self.blockSize
        leaves = 1
        while leaves < blocks { leaves *= 2 }
        for block in 0..<leaves { tree[leaves + block] = block < blocks ? lowest(inBlock: block, length: n) : UInt64.max }
        for node in stride(from: leaves - 1, through: 1, by: -1) { tree[node] = min(tree[2 * node], tree[2 * node + 1]) }

        // Invariant: parts cover the word in order; `pairRank` and the tree are as above.
        while true {
            let root = tree[1]
            let rank = TokenID(truncatingIfNeeded: root >> 32)
            if rank >= Self.noPair { break }
            let block = Int(truncatingIfNeeded: root & 0xFFFF_FFFF)
            let start = block * Self.blockSize + Int(lowestOffset[block])
            let removed = nextStart(after: start, length: n)
            let after = nextStart(after: removed, length: n)
            pairRank[removed] = Self.notStart
            pairRank[start] = after < n ? rankOf(word, start, nextStart(after: after, length: n), table) : Self.noPair
            let before = start > 0 ? previousStart(before: start) : start
            if before < start { pairRank[before] = rankOf(word, before, after, table) }
            // The three entries changed lie in at most three blocks, in order.
            update(block: before / Self.blockSize, length: n)
            if block != before / Self.blockSize { update(block: block, length: n) }
            if removed / Self.blockSize != block { update(block: removed / Self.blockSize, length: n) }
        }
        // Exactly the room the tokens need: for a word of megabytes, doubling would hold up to
        // twice its ids.
        var parts = 0
        for offset in 0..<n where pairRank[offset] != Self.notStart { parts += 1 }
        output.reserveCapacity(output.count + parts)
        var start = 0
        while start < n {
            let end = nextStart(after: start, length: n)
            output.append(end - start == 1 ? table.byteRanks[Int(word[start])] : table.rank(word + start, end - start))
            start = end
        }
    }

    /// The rank of `word[start..<end]` as a `pairRank` entry.
    @inline(__always)
    private func rankOf(_ word: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ table: RankTable) -> TokenID {
        let rank = table.rank(word + start, end - start)
        return rank == .none ? Self.noPair : rank
    }

    /// The first part start after `offset` (`length` if none).
    @inline(__always)
    private func nextStart(after offset: Int, length: Int) -> Int {
        var next = offset + 1
        while next < length && pairRank[next] == Self.notStart { next += 1 }
        return next
    }

    /// The last part start before `offset` (> 0; offset 0 always starts a part).
    @inline(__always)
    private func previousStart(before offset: Int) -> Int {
        var previous = offset - 1
        while pairRank[previous] == Self.notStart { previous -= 1 }
        return previous
    }

    /// The block's lowest entry as a tree key (its offset is stored in `lowestOffset`).
    @inline(__always)
    private func lowest(inBlock block: Int, length: Int) -> UInt64 {
        let first = block * Self.blockSize
        let last = min(first + Self.blockSize, length)
        var best = Self.notStart
        var bestOffset = 0
        for offset in first..<last where pairRank[offset] < best {
            best = pairRank[offset]
            bestOffset = offset - first
        }
        lowestOffset[block] = UInt8(bestOffset)
        return UInt64(best) << 32 | UInt64(block)
    }

    /// Recomputes a block's lowest entry and the tree above it.
    @inline(__always)
    private func update(block: Int, length: Int) {
        var node = leaves + block
        tree[node] = lowest(inBlock: block, length: length)
        while node > 1 {
            node /= 2
            tree[node] = min(tree[2 * node], tree[2 * node + 1])
        }
    }

    private func reserve(_ count: Int) {
        if count > capacity {
            pairRank.deallocate()
            capacity = max(count, 2 * capacity)
            pairRank = .allocate(capacity: capacity)
        }
        let blocks = (count + Self.blockSize - 1) / Self.blockSize
        if blocks > blockCapacity {
            lowestOffset.deallocate()
            tree.deallocate()
            var leaves = 1
            while leaves < blocks { leaves *= 2 }
            blockCapacity = leaves
            lowestOffset = .allocate(capacity: leaves)
            tree = .allocate(capacity: 2 * leaves)
        }
    }

    private func shrink() {
        pairRank.deallocate()
        lowestOffset.deallocate()
        tree.deallocate()
        capacity = 0
        blockCapacity = 0
        pairRank = .allocate(capacity: 1)
        lowestOffset = .allocate(capacity: 1)
        tree = .allocate(capacity: 2)
    }
}
