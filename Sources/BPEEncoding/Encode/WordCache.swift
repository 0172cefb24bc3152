@_spi(Plumbing) import BPECore

import CPrefetch

/// A worker's memory of how recent words that are not tokens themselves were split, so a
/// word that comes back (most do: word frequencies are Zipfian) costs one lookup instead of
/// a `BytePairMerger` run.
///
/// Direct-mapped: one 64-byte entry (one cache line) per slot, overwritten on collision. An
/// entry holds a word of up to 24 bytes, zero-padded, and up to 7 ids; longer words and
/// longer splits are not cached. A hit returns exactly what was stored for the same bytes,
/// so the cache never changes a result.
final class WordCache {
    private struct Entry {
        var word: (UInt64, UInt64, UInt64)
        var length: UInt32
        var count: UInt32
        var ids: (TokenID, TokenID, TokenID, TokenID, TokenID, TokenID, TokenID, TokenID)
    }

    static let maximumWordLength = 24
    static let maximumIDs = 7
    private let entries: UnsafeMutableBufferPointer<Entry>
    private let mask: Int

    /// A cache of `slots` entries (rounded up to a power of two).
    init(slots: Int) {
        var capacity = 1
        while capacity < slots { capacity <<= 1 }
        entries = .allocate(capacity: capacity)
        entries.initialize(repeating: Entry(word: (0, 0, 0), length: 0, count: 0, ids: (0, 0, 0, 0, 0, 0, 0, 0)))
        mask = capacity - 1
    }

    deinit { entries.deallocate() }

    /// A word's key: its bytes zero-padded to 24, and the slot they hash to.
    struct Key {
        var word: (UInt64, UInt64, UInt64)
        var length: Int
        var slot: Int
    }

    /// The key of `bytes[0..<length]` (length ≤ `maximumWordLength`).
    @inline(__always)
    func key(_ bytes: UnsafePointer<UInt8>, length: Int) -> Key {
        let word = (
            paddedLoad(bytes, count: min(length, 8)),
            length > 8 ? paddedLoad(bytes + 8, count: min(length - 8, 8)) : 0,
            length > 16 ? paddedLoad(bytes + 16, count: length - 16) : 0)
        let h = ByteHash.hash(words: word.0, word.1, word.2, length: length)
        return Key(word: word, length: length, slot: Int(truncatingIfNeeded: h) & mask)
    }

    /// Starts loading the entry of `key`.
    @inline(__always)
    func prefetch(_ key: Key) {
        bpe_prefetch(entries.baseAddress! + key.slot)
    }

    /// Appends the cached ids of `key`'s word to `output`; `false` if they are not cached.
    @inline(__always)
    func append(_ key: Key, to output: inout [TokenID]) -> Bool {
        let entry = entries[key.slot]
        guard entry.length == UInt32(truncatingIfNeeded: key.length), entry.word == key.word else { return false }
        withUnsafeBytes(of: entry.ids) { raw in
            output.append(contentsOf: UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: TokenID.self), count: Int(entry.count)))
        }
        return true
    }

    /// Remembers `ids` (at most `maximumIDs`) as the split of `key`'s word.
    @inline(__always)
    func store(_ key: Key, ids: ArraySlice<TokenID>) {
        guard ids.count <= Self.maximumIDs else { return }
        var entry = Entry(word: key.word, length: UInt32(key.length), count: UInt32(ids.count), ids: (0, 0, 0, 0, 0, 0, 0, 0))
        withUnsafeMutableBytes(of: &entry.ids) { raw in
            let target = raw.baseAddress!.assumingMemoryBound(to: TokenID.self)
            for (index, id) in ids.enumerated() { target[index] = id }
        }
        entries[key.slot] = entry
    }
}
