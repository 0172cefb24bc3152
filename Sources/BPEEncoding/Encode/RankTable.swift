@_spi(Plumbing) import BPECore
import CPrefetch
import Glibc

/// Byte string → rank: the lookup encoding does for every pair it considers.
///
/// Open addressing with linear probing over 24-byte slots. A slot keeps the first eight
/// bytes of its token inline, so a token of up to eight bytes (most of them) is found without
/// touching the byte arena; a longer one compares its remaining bytes there.
///
/// Invariant: `slots.count` is a power of two at least twice the number of tokens; a slot is
/// empty exactly when its `length` is 0 (the empty string is never a token).
///
/// `@unchecked Sendable`: immutable after `init`, then only read.
final class RankTable: @unchecked Sendable {
    private struct Slot {
        var prefix: UInt64
        var offset: UInt32
        var length: UInt32
        var rank: TokenID
    }

    private let slots: UnsafeMutableBufferPointer<Slot>
    private let mask: Int
    private let arena: UnsafeMutableBufferPointer<UInt8>
    /// The rank of each single byte (`TokenID.none` if the vocabulary lacks it).
    let byteRanks: [TokenID]
    /// The rank of every two-byte string, indexed by `first << 8 | second`: 256 KiB that stay
    /// in cache, for the lookups that start every merge.
    private let pairRanks: UnsafeMutableBufferPointer<TokenID>
    /// One bit per hash value (2²¹ bits, 256 KiB, which stays in cache), set for every
    /// token's: a clear bit proves a byte string is not a token without touching `slots`.
    /// Most strings a merge looks up are not tokens, and `slots` is megabytes.
    private let filter: UnsafeMutableBufferPointer<UInt64>
    private static let filterBits = 1 << 21
    let count: Int
    /// The rank of the first token whose bytes an earlier token already had (it is not stored).
    let firstDuplicate: TokenID?

    /// A table of `tokens` (bytes, rank). Duplicate byte strings keep the first rank given and
    /// are reported in `firstDuplicate`.
    /// - Complexity: O(total bytes).
    init(_ tokens: [(bytes: [UInt8], id: TokenID)]) {
        var capacity = 16
        while capacity < tokens.count * 2 { capacity <<= 1 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(prefix: 0, offset: 0, length: 0, rank: 0))
        mask = capacity - 1
        let totalBytes = tokens.reduce(0) { $0 + $1.bytes.count }
        arena = .allocate(capacity: max(1, totalBytes))
        var byteRanks = [TokenID](repeating: .none, count: 256)
        pairRanks = .allocate(capacity: 1 << 16)
        pairRanks.initialize(repeating: .none)
        filter = .allocate(capacity: Self.filterBits / 64)
        filter.initialize(repeating: 0)
        var used = 0
        var count = 0
        var duplicate: TokenID? = nil
        for token in tokens where !token.bytes.isEmpty {
            let length = token.bytes.count
            let start = arena.baseAddress! + used
            token.bytes.withUnsafeBufferPointer { start.update(from: $0.baseAddress!, count: length) }
            if Self.lookup(start, length, slots: slots, mask: mask, arena: arena.baseAddress!) != .none {
                if duplicate == nil { duplicate = token.id }
                continue
            }
            used += length
            let prefix = Self.prefix(start, length)
            let hash = Self.hash(start, length, prefix: prefix)
            let bit = Self.filterBit(hash)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
            var index = hash & mask
            while slots[index].length != 0 { index = (index + 1) & mask }
            slots[index] = Slot(prefix: prefix, offset: UInt32(start - arena.baseAddress!), length: UInt32(length), rank: token.id)
            if length == 1 { byteRanks[Int(token.bytes[0])] = token.id }
            if length == 2 { pairRanks[Int(token.bytes[0]) << 8 | Int(token.bytes[1])] = token.id }
            count += 1
        }
        self.byteRanks = byteRanks
        self.count = count
        self.firstDuplicate = duplicate
    }

    deinit {
        filter.deallocate()
        pairRanks.deallocate()
        slots.deallocate()
        arena.deallocate()
    }

    /// The rank of `bytes[0..<length]`, or `TokenID.none`.
    /// - Complexity: O(length) expected.
    @inline(__always)
    func rank(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> TokenID {
        rank(bytes, length, from: probe(bytes, length))
    }

    /// Where the lookup of a byte string starts: computed early so that its slot can be
    /// prefetched while other work runs (`prefetch`), then finished by `rank(_:_:from:)`.
    struct Probe {
        var prefix: UInt64
        var hash: Int
    }

    @inline(__always)
    func probe(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Probe {
        let prefix = Self.prefix(bytes, length)
        return Probe(prefix: prefix, hash: Self.hash(bytes, length, prefix: prefix))
    }

    /// Whether the filter lets `probe`'s string through: `false` proves it is not a token.
    @inline(__always)
    func mayContain(_ probe: Probe) -> Bool {
        let bit = Self.filterBit(probe.hash)
        return filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// Starts loading the filter word `mayContain(probe)` will read.
    @inline(__always)
    func prefetchFilter(_ probe: Probe) {
        bpe_prefetch(filter.baseAddress! + (Self.filterBit(probe.hash) >> 6))
    }

    /// Starts loading the first slot `probe` will read.
    @inline(__always)
    func prefetch(_ probe: Probe) {
        bpe_prefetch(slots.baseAddress! + (probe.hash & mask))
    }

    @inline(__always)
    private static func filterBit(_ hash: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(bitPattern: Int64(hash)) >> 40) & (filterBits - 1)
    }

    /// `rank(bytes, length)`, from a `probe` of the same bytes.
    @inline(__always)
    func rank(_ bytes: UnsafePointer<UInt8>, _ length: Int, from probe: Probe) -> TokenID {
        if !mayContain(probe) { return .none }
        var index = probe.hash & mask
        while true {
            let slot = slots[index]
            if slot.length == 0 { return .none }
            if slot.length == UInt32(truncatingIfNeeded: length) && slot.prefix == probe.prefix
                && (length <= 8 || memcmp(arena.baseAddress! + Int(slot.offset) + 8, bytes + 8, length - 8) == 0) {
                return slot.rank
            }
            index = (index + 1) & mask
        }
    }

    /// The rank of the two bytes at `bytes`, or `TokenID.none`.
    /// - Complexity: O(1), one load.
    @inline(__always)
    func rank2(_ bytes: UnsafePointer<UInt8>) -> TokenID {
        pairRanks[Int(bytes[0]) << 8 | Int(bytes[1])]
    }

    @inline(__always)
    private static func lookup(
        _ bytes: UnsafePointer<UInt8>, _ length: Int,
        slots: UnsafeMutableBufferPointer<Slot>, mask: Int, arena: UnsafeMutablePointer<UInt8>
    ) -> TokenID {
        let prefix = prefix(bytes, length)
        var index = hash(bytes, length, prefix: prefix) & mask
        while true {
            let slot = slots[index]
            if slot.length == 0 { return .none }
            if slot.length == UInt32(truncatingIfNeeded: length) && slot.prefix == prefix
                && (length <= 8 || memcmp(arena + Int(slot.offset) + 8, bytes + 8, length - 8) == 0) {
                return slot.rank
            }
            index = (index + 1) & mask
        }
    }

    /// The first `min(length, 8)` bytes, zero-padded, as one machine word.
    @inline(__always)
    private static func prefix(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        paddedLoad(bytes, count: min(length, 8))
    }

    @inline(__always)
    private static func hash(_ bytes: UnsafePointer<UInt8>, _ length: Int, prefix: UInt64) -> Int {
        if length > 8 { return Int(truncatingIfNeeded: ByteHash.hash(bytes, count: length)) }
        return Int(truncatingIfNeeded: ByteHash.hash(words: prefix, length: length))
    }
}
