@_spi(Plumbing) import BPECore

/// tiktoken's `byte_pair_merge`: splits one word into tokens by merging, again and again, the
/// adjacent pair of parts whose concatenation has the lowest rank (the leftmost such pair on a
/// tie), until no adjacent concatenation is a token. Owned by one worker (it keeps scratch).
///
/// Short words use tiktoken's own array scan, O(n²) in the worst case and fastest for the
/// few bytes most words have; a word longer than `heapThreshold` bytes goes to
/// `LongWordMerger` (a tree of block minima, O(n log n) and about 4.5 bytes per byte), which
/// makes the same choices in the same order.
final class BytePairMerger {
    /// Words longer than this use `LongWordMerger` (tests lower it to check both agree).
    static let defaultHeapThreshold = 64
    let heapThreshold: Int

    private var capacity = 0
    /// Part k starts at `starts[k]`, its token is `tokens[k]`, and the pair of parts k, k+1
    /// has rank `pairRanks[k]`.
    private var starts: UnsafeMutablePointer<Int32>
    private var tokens: UnsafeMutablePointer<TokenID>
    private var pairRanks: UnsafeMutablePointer<TokenID>
    private let longWords = LongWordMerger()

    init(heapThreshold: Int = BytePairMerger.defaultHeapThreshold) {
        self.heapThreshold = heapThreshold
        starts = .allocate(capacity: 1)
        tokens = .allocate(capacity: 1)
        pairRanks = .allocate(capacity: 1)
    }

    deinit { release() }

    private func release() {
        starts.deallocate()
        tokens.deallocate()
        pairRanks.deallocate()
    }

    private func reserve(_ count: Int) {
        if count <= capacity { return }
        release()
        capacity = max(count, 2 * capacity, 64)
        starts = .allocate(capacity: capacity)
        tokens = .allocate(capacity: capacity)
        pairRanks = .allocate(capacity: capacity)
    }

    /// Appends the ranks of the tokens of `word[0..<length]` (length ≥ 2, every byte a token).
    func merge(_ word: UnsafePointer<UInt8>, length: Int, table: RankTable, into output: inout [TokenID]) {
        if length > heapThreshold {
            longWords.merge(word, length: length, table: table, into: &output)
        } else {
            reserve(length + 1)
            mergeWithScan(word, length: length, table: table, into: &output)
        }
    }

    private func mergeWithScan(_ word: UnsafePointer<UInt8>, length: Int, table: RankTable, into output: inout [TokenID]) {
        var parts = length
        for k in 0..<length {
            starts[k] = Int32(k)
            tokens[k] = table.byteRanks[Int(word[k])]
            pairRanks[k] = k + 1 < length ? table.rank2(word + k) : .none
        }
        starts[length] = Int32(length)
        // Invariant: parts 0..<parts cover the word in order; pairRanks[k] is the rank of the
        // bytes of parts k and k+1 together (`.none` for the last part).
        while true {
            var best = TokenID.none
            var bestIndex = 0
            for k in 0..<(parts - 1) where pairRanks[k] < best {
                best = pairRanks[k]
                bestIndex = k
            }
            if best == .none { break }
            let k = bestIndex
            tokens[k] = best
            // Drop part k+1: parts k+2... move down one place.
            let moved = parts - (k + 2)
            if moved > 0 {
                (starts + k + 1).update(from: starts + k + 2, count: moved + 1)
                (tokens + k + 1).update(from: tokens + k + 2, count: moved)
                (pairRanks + k + 1).update(from: pairRanks + k + 2, count: moved)
            } else {
                starts[k + 1] = starts[k + 2]
            }
            parts -= 1
            pairRanks[k] = pairRank(of: k, word: word, parts: parts, table: table)
            if k > 0 { pairRanks[k - 1] = pairRank(of: k - 1, word: word, parts: parts, table: table) }
        }
        for k in 0..<parts { output.append(tokens[k]) }
    }

    @inline(__always)
    private func pairRank(of k: Int, word: UnsafePointer<UInt8>, parts: Int, table: RankTable) -> TokenID {
        guard k + 1 < parts else { return .none }
        let start = Int(starts[k])
        return table.rank(word + start, Int(starts[k + 2]) - start)
    }
}
